package dev.penstock.engine.attempt;

import java.nio.file.Path;

/**
 * Where attempts keep their files, under {@code runs/<version>/}: {@code work/<step version>-<n>/},
 * the step's working directory, which its process may write, and {@code <step
 * version>/attempt-<n>/}, the server's (the log), which the step cannot reach. The working
 * directories of a run share one parent, so that a worker reused by several steps of the run may be
 * confined to that one folder and still never reach a log. Attempts never share files, and a late
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
    return workRoot(pipelineVersionId).resolve(stepVersionId + "-" + attempt);
  }

  /** Where the working directories of the run's attempts are, and nothing else. */
  public Path workRoot(String pipelineVersionId) {
    return root.resolve(pipelineVersionId).resolve("work");
  }

  public Path logFile(String pipelineVersionId, String stepVersionId, int attempt) {
    return attemptDir(pipelineVersionId, stepVersionId, attempt).resolve("output.log");
  }
}
