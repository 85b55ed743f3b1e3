package dev.penstock.engine.attempt;

import dev.penstock.executor.StepExecutor;
import dev.penstock.model.LogChunk;
import dev.penstock.store.LogStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the logs of the attempts this server runs into the {@link LogStore}, where servers share
 * the database: what is new every {@link #INTERVAL} while an attempt runs, and the rest when it
 * ends, before its outcome is recorded, so that a run seen finished from any server has its logs
 * there. A log that cannot be shipped stays in the data directory; the step does not fail for it.
 * Thread-safe.
 */
final class LogShipper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogShipper.class);
  static final Duration INTERVAL = Duration.ofSeconds(1);
  private static final int PIECE_BYTES = 256 * 1024;

  /** One attempt's log and how much of it is shipped; shipped by one thread at a time. */
  private static final class Shipping {
    final String runId;
    final String stepVersionId;
    final int attempt;
    final Path file;
    long shipped;

    Shipping(String runId, String stepVersionId, int attempt, Path file) {
      this.runId = runId;
      this.stepVersionId = stepVersionId;
      this.attempt = attempt;
      this.file = file;
    }
  }

  private final LogStore store;
  private final StepExecutor executor;
  private final Workspace workspace;
  private final long keepBytes;
  private final Map<String, Shipping> shipping = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;

  LogShipper(LogStore store, StepExecutor executor, Workspace workspace, long keepBytes) {
    this.store = store;
    this.executor = executor;
    this.workspace = workspace;
    this.keepBytes = keepBytes;
    if (store.enabled()) {
      timer =
          Executors.newSingleThreadScheduledExecutor(
              Thread.ofPlatform().daemon().name("log-shipper").factory());
      long every = INTERVAL.toMillis();
      timer.scheduleWithFixedDelay(this::shipRunning, every, every, TimeUnit.MILLISECONDS);
    } else {
      timer = null;
    }
  }

  /** The attempt started on this server: ship its log from now on. */
  void started(String runId, String stepVersionId, int attempt) {
    if (timer != null) {
      Path file = workspace.logFile(runId, stepVersionId, attempt);
      shipping.put(key(stepVersionId, attempt), new Shipping(runId, stepVersionId, attempt, file));
    }
  }

  /** The attempt ended: ships the rest of its log now, on the caller's thread. */
  void ended(String stepVersionId, int attempt) {
    Shipping ended = shipping.remove(key(stepVersionId, attempt));
    if (ended != null) {
      ship(ended);
    }
  }

  private void shipRunning() {
    shipping.values().forEach(this::ship);
  }

  private void ship(Shipping attempt) {
    synchronized (attempt) {
      try {
        while (true) {
          LogChunk piece = executor.readLog(attempt.file, attempt.shipped, PIECE_BYTES);
          if (piece.end() <= piece.start()) {
            return;
          }
          store.append(attempt.runId, attempt.stepVersionId, attempt.attempt, piece, keepBytes);
          attempt.shipped = piece.end();
          if (piece.end() >= piece.size()) {
            return;
          }
        }
      } catch (RuntimeException e) {
        log.warn(
            "Could not ship the log of step version {} attempt {}; it stays in {}: {}",
            attempt.stepVersionId,
            attempt.attempt,
            attempt.file,
            e.toString());
      }
    }
  }

  private static String key(String stepVersionId, int attempt) {
    return stepVersionId + "/" + attempt;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
