package dev.penstock.engine.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.penstock.engine.definition.Ids;
import dev.penstock.executor.ProducedFile;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.Artifact;
import dev.penstock.model.StepVersion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what a successful attempt kept into artifacts: each value the runner stored by reference
 * takes its place in the return value as a {@link References reference}, and each file of the
 * step's outputs folder becomes an ATTACHMENT artifact of no output. Thread-safe: stateless.
 */
public final class StoredOutputs {
  private static final String VALUES = ".penstock-values/";
  private static final String OUTPUTS = "outputs/";
  private static final int MAX_PREVIEW_CHARS = 16 * 1024;

  /** The return value with references in place of stored values, and the artifacts; or why not. */
  public record Stored(JsonNode returned, List<Artifact> artifacts, String error) {
    public boolean failed() {
      return error != null;
    }
  }

  private StoredOutputs() {}

  /**
   * @param runDir the run's directory, which artifact paths are relative to
   */
  public static Stored of(
      StepVersion step, int attempt, StepOutcome outcome, Path runDir, Instant now) {
    Map<String, ProducedFile> files = new LinkedHashMap<>();
    outcome.files().forEach(file -> files.put(file.name(), file));
    JsonNode returned = outcome.returned();
    var artifacts = new ArrayList<Artifact>();
    JsonNode references = outcome.references();
    if (references != null && references.isObject()) {
      for (var entry : (Iterable<Map.Entry<String, JsonNode>>) references::fields) {
        String key = entry.getKey();
        JsonNode stored = entry.getValue();
        String outputName = key.isEmpty() ? onlyOutput(step) : key;
        String fileName = stored.path("file").asText();
        ProducedFile file = fileName.startsWith(VALUES) ? files.remove(fileName) : null;
        var kind = References.kind(stored);
        if (outputName == null || file == null || kind.isEmpty()) {
          return failure(
              "the runner's record of output '%s' names no value it kept (%s)"
                  .formatted(key, fileName));
        }
        if (!key.isEmpty() && (returned == null || !returned.isObject())) {
          return failure(
              "the runner stored output '%s' of a value that is not a dict".formatted(key));
        }
        String name = kind.get() == Artifact.Kind.FILE ? baseName(fileName) : outputName;
        var artifact =
            new Artifact(
                Ids.newId(),
                step.pipelineVersionId(),
                step.id(),
                attempt,
                outputName,
                name,
                kind.get(),
                stored.path("format").asText(),
                stored.path("content_type").asText(ContentTypes.BINARY),
                file.size(),
                relative(runDir, file.path()),
                preview(stored.get("preview")),
                now);
        artifacts.add(artifact);
        ObjectNode reference =
            References.of(
                artifact,
                step.stepName(),
                stored.path("type_name").asText(null),
                stored.path("json_type").textValue());
        if (key.isEmpty()) {
          returned = reference;
        } else {
          ((ObjectNode) returned).set(key, reference);
        }
      }
    }
    for (ProducedFile file : files.values()) {
      if (file.name().startsWith(OUTPUTS)) {
        String name = file.name().substring(OUTPUTS.length());
        artifacts.add(
            new Artifact(
                Ids.newId(),
                step.pipelineVersionId(),
                step.id(),
                attempt,
                null,
                name,
                Artifact.Kind.FILE,
                "file",
                ContentTypes.of(name),
                file.size(),
                relative(runDir, file.path()),
                null,
                now));
      }
    }
    return new Stored(returned, artifacts, null);
  }

  /**
   * The runner's preview, if it is as small as the runner makes them: a step writes result.json
   * itself and could put megabytes there, which every answer showing the run would repeat.
   */
  private static JsonNode preview(JsonNode preview) {
    return preview != null && preview.toString().length() <= MAX_PREVIEW_CHARS ? preview : null;
  }

  private static Stored failure(String error) {
    return new Stored(null, List.of(), error);
  }

  private static String onlyOutput(StepVersion step) {
    return step.outputs().size() == 1 ? step.outputs().get(0).name() : null;
  }

  private static String baseName(String fileName) {
    return fileName.substring(fileName.lastIndexOf('/') + 1);
  }

  private static String relative(Path runDir, Path file) {
    return runDir.toAbsolutePath().relativize(file.toAbsolutePath()).toString();
  }
}
