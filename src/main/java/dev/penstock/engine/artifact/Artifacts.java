package dev.penstock.engine.artifact;

import dev.penstock.model.Artifact;
import dev.penstock.store.ArtifactFiles;
import dev.penstock.store.RunStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * What the API and the pages read of a run's artifacts: the list, and one artifact's bytes. The
 * store says which exist (a row is written with the COMPLETE that kept its file), so a file of an
 * attempt that never committed, a kill -9 before its commit say, is never offered. Thread-safe.
 */
public final class Artifacts {
  private final RunStore runs;
  private final ArtifactFiles files;

  public Artifacts(RunStore runs, ArtifactFiles files) {
    this.runs = runs;
    this.files = files;
  }

  public List<Artifact> ofRun(String pipelineVersionId) {
    return runs.artifacts(pipelineVersionId);
  }

  public List<Artifact> ofStep(String stepVersionId) {
    return runs.artifactsOfStep(stepVersionId);
  }

  /** The artifact of run {@code pipelineVersionId}, if it has one of that id. */
  public Optional<Artifact> find(String pipelineVersionId, String artifactId) {
    return runs.findArtifact(artifactId)
        .filter(artifact -> artifact.pipelineVersionId().equals(pipelineVersionId));
  }

  /** The artifact's bytes, as stored; a NoSuchFileException when they are gone. */
  public InputStream open(Artifact artifact) throws IOException {
    return files.open(artifact.pipelineVersionId(), artifact.path());
  }
}
