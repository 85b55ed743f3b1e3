package dev.penstock.app;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A read that may hang (a database's, when its server stops answering), run on a virtual thread of
 * its own and at most one at a time: a caller waits for the read in flight up to the deadline
 * counted from that read's start, and starts no other meanwhile. So probes and scrapes answer in
 * bounded time, and a hung database holds one thread, not one per caller. Thread-safe.
 */
final class GuardedRead<T> {
  private record Attempt<T>(CompletableFuture<T> result, long startedNanos) {}

  private final Supplier<T> read;
  private final Duration deadline;
  private final String threadName;
  private final AtomicReference<Attempt<T>> last = new AtomicReference<>();

  GuardedRead(Supplier<T> read, Duration deadline, String threadName) {
    this.read = read;
    this.deadline = deadline;
    this.threadName = threadName;
  }

  /**
   * What a read started now returns, or the one in flight: TimeoutException once the deadline has
   * passed without an answer, ExecutionException with what the read threw.
   */
  T get() throws TimeoutException, ExecutionException, InterruptedException {
    Attempt<T> attempt = last.get();
    if (attempt == null || attempt.result().isDone()) {
      var fresh =
          new Attempt<>(
              CompletableFuture.supplyAsync(
                  read, task -> Thread.ofVirtual().name(threadName).start(task)),
              System.nanoTime());
      attempt = last.compareAndSet(attempt, fresh) ? fresh : last.get();
    }
    long left = deadline.toNanos() - (System.nanoTime() - attempt.startedNanos());
    return attempt.result().get(Math.max(0, left), TimeUnit.NANOSECONDS);
  }
}
