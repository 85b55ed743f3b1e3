package dev.penstock.engine.artifact;

import dev.penstock.model.Artifact;
import dev.penstock.store.RunStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the API and the pages read of a run's artifacts: the list, and one artifact's file. The
 * store says which exist (a row is written with the COMPLETE that kept its file), so a file of an
 * attempt that never committed, a kill -9 before its commit say, is never offered. Thread-safe.
 */
public final class Artifacts {
  /** An artifact and the file that holds it. */
  public record Stored(Artifact artifact, Path file) {}

  private final RunStore runs;
  private final Function<String, Path> runDirs;

  /**
   * @param runDirs the directory of a run, by its id, which artifact paths are relative to
   */
  public Artifacts(RunStore runs, Function<String, Path> runDirs) {
    this.runs = runs;
    this.runDirs = runDirs;
  }

  public List<Artifact> ofRun(String pipelineVersionId) {
    return runs.artifacts(pipelineVersionId);
  }

  /** The artifact of run {@code pipelineVersionId} with its file, if both are there. */
  public Optional<Stored> find(String pipelineVersionId, String artifactId) {
    return runs.findArtifact(artifactId)
        .filter(artifact -> artifact.pipelineVersionId().equals(pipelineVersionId))
        .map(artifact -> new Stored(artifact, file(artifact)))
        .filter(stored -> Files.isRegularFile(stored.file(), LinkOption.NOFOLLOW_LINKS));
  }

  private Path file(Artifact artifact) {
    return runDirs.apply(artifact.pipelineVersionId()).resolve(artifact.path()).normalize();
  }
}
