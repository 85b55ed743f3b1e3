package dev.penstock.executor.local;

import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Measures a running step's working directory and stops the step once it holds more than its budget
 * (DISK_EXCEEDED, "wrote more than N GB into its working directory"); then deletes what it wrote,
 * which nobody can reach through the API. RLIMIT_FSIZE bounds each file; this bounds their sum. A
 * walk over a big tree costs, so the next one waits ten times as long as the last took, and at
 * least {@link #INTERVAL}. Thread-safe: a check runs on the timer's one thread at a time.
 */
final class DiskBudget {
  static final Duration INTERVAL = Duration.ofSeconds(1);

  private final Path workDir;
  private final long budgetBytes;
  private final ScheduledExecutorService timer;
  private final CompletableFuture<StepOutcome> outcome;
  private final BiConsumer<FailureCause, String> stop;
  private volatile boolean exceeded;

  private DiskBudget(
      Path workDir,
      long budgetBytes,
      ScheduledExecutorService timer,
      CompletableFuture<StepOutcome> outcome,
      BiConsumer<FailureCause, String> stop) {
    this.workDir = workDir;
    this.budgetBytes = budgetBytes;
    this.timer = timer;
    this.outcome = outcome;
    this.stop = stop;
  }

  /** Watches {@code workDir} until {@code outcome} completes; a budget of 0 watches nothing. */
  static void watch(
      Path workDir,
      long budgetBytes,
      ScheduledExecutorService timer,
      CompletableFuture<StepOutcome> outcome,
      BiConsumer<FailureCause, String> stop) {
    if (budgetBytes <= 0) {
      return;
    }
    var budget = new DiskBudget(workDir, budgetBytes, timer, outcome, stop);
    budget.schedule(INTERVAL);
    // Once the step has ended nothing of it runs any more, so nothing writes while this deletes.
    outcome.whenComplete(
        (ended, error) -> {
          if (budget.exceeded) {
            ClaimedResult.deleteTree(workDir);
          }
        });
  }

  static String message(long budgetBytes) {
    return "wrote more than " + Sizes.describe(budgetBytes) + " into its working directory";
  }

  private void schedule(Duration delay) {
    if (outcome.isDone() || timer.isShutdown()) {
      return;
    }
    try {
      timer.schedule(this::check, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // the executor is closing: its steps are being stopped anyway
    }
  }

  private void check() {
    if (outcome.isDone()) {
      return;
    }
    long started = System.nanoTime();
    long used = sizeOf(workDir, budgetBytes);
    if (used > budgetBytes) {
      exceeded = true;
      stop.accept(FailureCause.DISK_EXCEEDED, message(budgetBytes));
      return;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    Duration next = took.multipliedBy(10);
    schedule(next.compareTo(INTERVAL) > 0 ? next : INTERVAL);
  }

  /**
   * The bytes of the files under {@code directory}, links not followed, stopping once past {@code
   * limit}. A directory its owner closed to itself is opened again: a step running as the server's
   * user must not hide what it wrote by a chmod.
   */
  static long sizeOf(Path directory, long limit) {
    for (int attempt = 0; ; attempt++) {
      long total = 0;
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
        for (Path entry : entries) {
          BasicFileAttributes attributes =
              Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          total += attributes.isDirectory() ? sizeOf(entry, limit - total) : attributes.size();
          if (total > limit) {
            return total;
          }
        }
        return total;
      } catch (AccessDeniedException e) {
        if (attempt > 0 || !reopen(directory)) {
          return total;
        }
      } catch (IOException | RuntimeException e) {
        return total; // deleted while counted, say
      }
    }
  }

  private static boolean reopen(Path directory) {
    try {
      var permissions = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
      permissions.add(PosixFilePermission.OWNER_READ);
      permissions.add(PosixFilePermission.OWNER_EXECUTE);
      Files.setPosixFilePermissions(directory, permissions);
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
