package dev.penstock.engine.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.executor.StepValues;
import dev.penstock.model.Artifact;
import dev.penstock.store.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gives a step the stored values its arguments are bound to: each artifact is copied into {@code
 * inputs/<argument>/} of its working directory, where its sandbox lets it read, and where whatever
 * the step does to its copy leaves the artifact as its producer made it. Thread-safe: stateless.
 */
public final class InputFiles {
  private static final String FOLDER = "inputs";

  /** An argument's artifact is missing or cannot be copied: the step fails, saying which. */
  public static final class MissingInput extends Exception {
    MissingInput(String message) {
      super(message);
    }
  }

  private InputFiles() {}

  /**
   * The stored values among {@code kwargs}, each copied for the step; throws when one is not an
   * artifact of run {@code runId} or its file is gone or damaged.
   */
  public static Map<String, StepValues.Input> copy(
      RunStore runs, String runId, Path runDir, Path workDir, Map<String, JsonNode> kwargs)
      throws MissingInput, IOException {
    var inputs = new LinkedHashMap<String, StepValues.Input>();
    for (var entry : kwargs.entrySet()) {
      JsonNode value = entry.getValue();
      if (!References.isReference(value)) {
        continue;
      }
      String argument = entry.getKey();
      String producer = value.path("step").asText("?");
      String shown =
          "input '%s' (artifact '%s' of step '%s')"
              .formatted(argument, value.path("name").asText("?"), producer);
      Artifact artifact =
          runs.findArtifact(References.artifactId(value))
              .filter(found -> found.pipelineVersionId().equals(runId))
              .orElseThrow(
                  () ->
                      new MissingInput(
                          "cannot read " + shown + ": this run holds no such artifact"));
      Path source = runDir.resolve(artifact.path()).normalize();
      if (!source.startsWith(runDir.normalize())
          || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)
          || Files.size(source) != artifact.size()) {
        throw new MissingInput(
            "cannot read %s: its file %s is missing or not as it was written (%d bytes)"
                .formatted(shown, artifact.path(), artifact.size()));
      }
      Path folder = workDir.resolve(FOLDER).resolve(argument);
      Files.createDirectories(folder);
      String fileName = source.getFileName().toString();
      Files.copy(source, folder.resolve(fileName));
      inputs.put(
          argument,
          new StepValues.Input(
              FOLDER + "/" + argument + "/" + fileName,
              artifact.format(),
              artifact.name(),
              producer));
    }
    return inputs;
  }
}
