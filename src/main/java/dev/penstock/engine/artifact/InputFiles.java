package dev.penstock.engine.artifact;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.executor.StepValues;
import dev.penstock.model.Artifact;
import dev.penstock.store.ArtifactFiles;
import dev.penstock.store.RunStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gives a step the stored values its arguments are bound to: each artifact is copied from where it
 * is kept into {@code inputs/<argument>/} of the step's working directory, where its sandbox lets
 * it read, and where whatever the step does to its copy leaves the artifact as its producer made
 * it. Thread-safe: stateless.
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
      RunStore runs, ArtifactFiles files, String runId, Path workDir, Map<String, JsonNode> kwargs)
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
      Path copies = workDir.resolve(FOLDER);
      if (!Files.isDirectory(copies, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(copies);
      }
      Path folder = copies.resolve(argument);
      Files.createDirectory(folder);
      String fileName = artifact.path().substring(artifact.path().lastIndexOf('/') + 1);
      Path copy = folder.resolve(fileName);
      try (InputStream in = files.open(runId, artifact.path())) {
        Files.copy(in, copy);
      } catch (NoSuchFileException gone) {
        throw new MissingInput(
            "cannot read %s: it is gone from %s".formatted(shown, files.describe()));
      }
      if (Files.size(copy) != artifact.size()) {
        throw new MissingInput(
            "cannot read %s: it is %d bytes, not the %d it was stored with"
                .formatted(shown, Files.size(copy), artifact.size()));
      }
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
