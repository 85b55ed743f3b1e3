package dev.penstock.engine.run;

import dev.penstock.model.NotFoundException;
import dev.penstock.model.RunStatus;
import dev.penstock.store.RunStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lets a client wait for a run to end with one request instead of polling: the scheduler says when
 * a run it planned has ended, and a waiter also reads the run again every {@link #RECHECK}, for
 * runs ended by another server. Thread-safe.
 */
public final class RunWaits {
  static final Duration RECHECK = Duration.ofSeconds(1);

  private final RunStore runs;
  private final ConcurrentHashMap<String, CompletableFuture<Void>> endings =
      new ConcurrentHashMap<>();

  public RunWaits(RunStore runs) {
    this.runs = runs;
  }

  /**
   * Returns the run's status as soon as it has ended, or as it stands once {@code timeout} has
   * passed (or the thread is interrupted). Only the status is read: the caller reads the run
   * itself, which can be large, once, at the end.
   *
   * @throws NotFoundException if there is no such run
   */
  public RunStatus awaitEnd(String versionId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      // Registered before the read: an end after the read completes this very future.
      var ending = endings.computeIfAbsent(versionId, id -> new CompletableFuture<>());
      var status =
          runs.versionStatus(versionId)
              .orElseThrow(() -> new NotFoundException("Pipeline version not found: " + versionId));
      if (status.terminal()) {
        ended(versionId);
        return status;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return status;
      }
      try {
        ending.get(Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // read it again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return status;
      }
    }
  }

  /** The run has ended, or may have: whoever waits for it reads it again now. */
  void ended(String versionId) {
    var ending = endings.remove(versionId);
    if (ending != null) {
      ending.complete(null);
    }
  }
}
