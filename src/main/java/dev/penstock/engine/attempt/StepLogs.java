package dev.penstock.engine.attempt;

import dev.penstock.executor.StepExecutor;
import dev.penstock.model.LogChunk;
import dev.penstock.model.StepVersion;
import dev.penstock.store.LogStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a step version's logs: whole, or a range of one attempt's. An attempt this server ran is
 * read from its data directory; one another server ran, from what that server shipped to the
 * database they share. Thread-safe.
 */
public final class StepLogs {
  private final StepExecutor executor;
  private final Workspace workspace;
  private final LogStore shipped;
  private final ShippedLogs shippedLogs;

  public StepLogs(StepExecutor executor, Workspace workspace, LogStore shipped) {
    this.executor = executor;
    this.workspace = workspace;
    this.shipped = shipped;
    this.shippedLogs = new ShippedLogs(shipped);
  }

  /** Every attempt's log as kept, oldest attempt first. */
  public String of(StepVersion step) {
    var text = new StringBuilder();
    for (int attempt = 1; attempt <= step.attempt(); attempt++) {
      Path file = workspace.logFile(step.pipelineVersionId(), step.id(), attempt);
      text.append(
          ranElsewhere(file)
              ? shippedLogs.read(step.id(), attempt, 0, Integer.MAX_VALUE).text()
              : executor.readLog(file));
    }
    return text.toString();
  }

  /**
   * At most {@code maxBytes} bytes of attempt {@code attempt}'s log from offset {@code from}, as
   * {@link StepExecutor#readLog(java.nio.file.Path, long, int)} reads them: whole characters, no
   * gaps between chunks that follow one another, {@link LogChunk#EMPTY} for an attempt that has no
   * log (it has not started, or its number is not one of the step's).
   */
  public LogChunk read(StepVersion step, int attempt, long from, int maxBytes) {
    if (attempt < 1 || attempt > step.attempt()) {
      return LogChunk.EMPTY;
    }
    Path file = workspace.logFile(step.pipelineVersionId(), step.id(), attempt);
    return ranElsewhere(file)
        ? shippedLogs.read(step.id(), attempt, from, maxBytes)
        : executor.readLog(file, from, maxBytes);
  }

  /** Whether another server ran the attempt: its log is not in this server's data directory. */
  private boolean ranElsewhere(Path logFile) {
    return shipped.enabled() && !Files.exists(logFile);
  }

  /**
   * The end of attempt {@code attempt}'s log: its last {@code maxBytes} bytes or fewer, read
   * without reading the rest, however long the log is. A log still being written may have grown by
   * the time the chunk is read; its {@code size} says so.
   */
  public LogChunk tail(StepVersion step, int attempt, int maxBytes) {
    LogChunk end = read(step, attempt, Long.MAX_VALUE, 0);
    return read(step, attempt, Math.max(end.earliest(), end.size() - maxBytes), maxBytes);
  }
}
