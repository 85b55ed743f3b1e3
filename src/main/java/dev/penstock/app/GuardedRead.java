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
 * its own and at most one at a time: a caller waits for the read in flight up to the deadline,
 * counted from its own call, and starts no other meanwhile. So probes and scrapes answer in bounded
 * time, and a hung database holds one thread, not one per caller. (Counting from the read's start
 * instead would fail at once every caller that comes after the deadline, even one arriving as the
 * read answers.) Thread-safe.
 */
final class GuardedRead<T> {
  private final Supplier<T> read;
  private final Duration deadline;
  private final String threadName;
  private final AtomicReference<CompletableFuture<T>> last = new AtomicReference<>();

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
    CompletableFuture<T> attempt = last.get();
    if (attempt == null || attempt.isDone()) {
      var fresh =
          CompletableFuture.supplyAsync(
              read, task -> Thread.ofVirtual().name(threadName).start(task));
      attempt = last.compareAndSet(attempt, fresh) ? fresh : last.get();
    }
    return attempt.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
  }
}
