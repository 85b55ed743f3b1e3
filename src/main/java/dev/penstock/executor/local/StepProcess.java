package dev.penstock.executor.local;

import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The operating-system process running one attempt: a fresh interpreter or a child forked by a fork
 * server. It leads its own process group. Implementations are thread-safe.
 */
interface StepProcess {

  long pid();

  /** Its stdout with stderr merged in, in the order written; ends once every writer has exited. */
  InputStream output();

  /**
   * Completes with the exit code once the process has exited (128 + N for a death by signal N);
   * completes exceptionally with {@link WorkerLostException} when whoever watched it died first.
   */
  CompletableFuture<Integer> exited();

  /** SIGTERM to the process and its group, SIGKILL to what is left after {@code grace}. Blocks. */
  void terminate(Duration grace);

  /** The process's watcher died before the process exited, so its exit code is unknown. */
  final class WorkerLostException extends RuntimeException {
    WorkerLostException(String message) {
      super(message);
    }
  }
}
