package dev.penstock.engine.run;

import dev.penstock.model.NotFoundException;
import dev.penstock.model.PipelineVersion;
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
   * The run's version as soon as it has ended, or as it stands once {@code timeout} has passed.
   *
   * @throws NotFoundException if there is no such run
   */
  public PipelineVersion awaitEnd(String versionId, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      // Registered before the read: an end after the read completes this very future.
      var ending = endings.computeIfAbsent(versionId, id -> new CompletableFuture<>());
      // The status alone while waiting: the whole run, which can be large, once, at the end.
      var status =
          runs.versionStatus(versionId)
              .orElseThrow(() -> new NotFoundException("Pipeline version not found: " + versionId));
      if (status.terminal()) {
        ended(versionId);
        return version(versionId);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return version(versionId);
      }
      try {
        ending.get(Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // read it again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return version(versionId);
      }
    }
  }

  private PipelineVersion version(String versionId) {
    return runs.findVersion(versionId)
        .orElseThrow(() -> new NotFoundException("Pipeline version not found: " + versionId));
  }

  /** The run has ended, or may have: whoever waits for it reads it again now. */
  void ended(String versionId) {
    var ending = endings.remove(versionId);
    if (ending != null) {
      ending.complete(null);
    }
  }
}
