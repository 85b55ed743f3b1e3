package dev.penstock.engine.attempt;

import java.nio.file.Path;

/**
 * Where attempts keep their files, under {@code runs/<version>/<step version>/}: {@code work-<n>/},
 * the step's working directory, which its process may write, and beside it {@code attempt-<n>/},
 * the server's (the log), which the step cannot reach. Attempts never share files, and a late
 * process of a superseded attempt writes only into its own directory. Thread-safe.
 */
public final class Workspace {
  private final Path root;

  public Workspace(Path dataDir) {
    this.root = dataDir.resolve("runs");
  }

  /** Everything the run's attempts wrote. */
  public Path runDir(String pipelineVersionId) {
    return root.resolve(pipelineVersionId);
  }

  public Path attemptDir(String pipelineVersionId, String stepVersionId, int attempt) {
    return root.resolve(pipelineVersionId).resolve(stepVersionId).resolve("attempt-" + attempt);
  }

  /** The step's working directory: its own, and all it may write. */
  public Path workDir(String pipelineVersionId, String stepVersionId, int attempt) {
    return root.resolve(pipelineVersionId).resolve(stepVersionId).resolve("work-" + attempt);
  }

  public Path logFile(String pipelineVersionId, String stepVersionId, int attempt) {
    return attemptDir(pipelineVersionId, stepVersionId, attempt).resolve("output.log");
  }
}
