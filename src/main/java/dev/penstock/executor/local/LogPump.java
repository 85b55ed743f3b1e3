package dev.penstock.executor.local;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a process's output (stdout with stderr merged in) into its {@link CappedLog}, on a virtual
 * thread of its own. It copies bytes as they arrive rather than whole lines: a line still being
 * written (a progress bar, a prompt) shows up at once, and output that is not UTF-8 is kept as it
 * came. Thread-safe: each pump owns its stream and log.
 */
final class LogPump {
  private static final Logger LOG = LoggerFactory.getLogger(LogPump.class);
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

  private LogPump() {}

  /**
   * Starts copying; the future completes once the stream has ended (every process holding the pipe
   * has exited or closed it) and the log is closed. It never completes exceptionally.
   */
  static CompletableFuture<Void> start(InputStream output, CappedLog log, String name) {
    var drained = new CompletableFuture<Void>();
    // A platform thread: a read from a pipe blocks its carrier, and a few of them on virtual
    // threads would take every carrier from the HTTP server and the engine.
    Thread.ofPlatform()
        .daemon()
        .name("penstock-log-" + name)
        .start(
            () -> {
              try {
                copy(output, log, name);
              } finally {
                drained.complete(null);
              }
            });
    return drained;
  }

  /**
   * Waits for the pump to finish. After a step's group is killed the pipe closes at once, unless a
   * process that left the group (setsid) still holds it; the outcome does not wait for such a one.
   */
  static void awaitDrained(CompletableFuture<Void> drained, String name) {
    try {
      drained.get(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn(
          "Step {}: a process outside the step's group still holds its output; not waiting for"
              + " the rest of its log",
          name);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // the pump never completes exceptionally
    }
  }

  private static void copy(InputStream output, CappedLog log, String name) {
    byte[] buffer = new byte[8192];
    boolean logWritable = true;
    try (output;
        log) {
      int read;
      while ((read = output.read(buffer)) != -1) {
        if (!logWritable) {
          continue; // keep draining, or the step would block on a full pipe
        }
        try {
          log.write(buffer, 0, read);
        } catch (IOException e) {
          logWritable = false;
          LOG.warn(
              "Cannot write the log of {}; dropping its further output: {}", name, e.toString());
        }
      }
    } catch (IOException e) {
      LOG.warn("Lost the output of {}: {}", name, e.toString());
    }
  }
}
