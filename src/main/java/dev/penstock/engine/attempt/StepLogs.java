package dev.penstock.engine.attempt;

import dev.penstock.executor.StepExecutor;
import dev.penstock.model.StepVersion;

/** Reads a step version's logs: every attempt's, oldest first. Thread-safe. */
public final class StepLogs {
  private final StepExecutor executor;
  private final Workspace workspace;

  public StepLogs(StepExecutor executor, Workspace workspace) {
    this.executor = executor;
    this.workspace = workspace;
  }

  public String of(StepVersion step) {
    var text = new StringBuilder();
    for (int attempt = 1; attempt <= step.attempt(); attempt++) {
      text.append(
          executor.readLog(workspace.logFile(step.pipelineVersionId(), step.id(), attempt)));
    }
    return text.toString();
  }
}
