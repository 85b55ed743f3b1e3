package dev.penstock.executor.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a helper process's stderr line by line at WARN (it writes there only when something is
 * wrong) and keeps its last lines for error messages. Thread-safe: the deque is guarded by itself.
 */
final class StderrTail {
  private static final Logger LOG = LoggerFactory.getLogger(StderrTail.class);
  private static final int KEPT_LINES = 20;

  private final Deque<String> lines = new ArrayDeque<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();

  private StderrTail() {}

  static StderrTail start(Process process, String name) {
    var tail = new StderrTail();
    Thread.ofPlatform().daemon().name(name + "-stderr").start(() -> tail.pump(process, name));
    return tail;
  }

  private void pump(Process process, String name) {
    var reader =
        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    try (reader) {
      String line;
      while ((line = reader.readLine()) != null) {
        LOG.warn("{}: {}", name, line);
        synchronized (lines) {
          if (lines.size() == KEPT_LINES) {
            lines.removeFirst();
          }
          lines.addLast(line);
        }
      }
    } catch (IOException e) {
      LOG.debug("Stopped reading the stderr of {}: {}", name, e.toString());
    } finally {
      ended.complete(null);
    }
  }

  /** The last lines, after "; its stderr ended with:", once the process has ended; or "". */
  String text(Process process) {
    try {
      process.onExit().get(5, TimeUnit.SECONDS);
      ended.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // say what there is so far
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (lines) {
      return lines.isEmpty() ? "" : "; its stderr ended with:\n" + String.join("\n", lines);
    }
  }
}
