package dev.penstock.executor.local;

import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt running as a local process. Its outcome completes on a virtual thread once the
 * process has exited, nothing it started runs on in its process group and its output is in the log.
 * Thread-safe.
 */
final class LocalStepHandle implements StepHandle {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStepHandle.class);
  // After the group is killed the pipe closes at once, unless a process that left the group
  // (setsid) still holds it; the outcome does not wait for such a process.
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

  private record StopRequest(FailureCause cause, String error) {}

  private final StepLaunch launch;
  private final Process process;
  private final CompletableFuture<Void> logDrained;
  private final ResultReader results;
  private final Duration killGrace;
  private final long oomKillsAtStart;
  private final CompletableFuture<StepOutcome> outcome = new CompletableFuture<>();
  private final AtomicReference<StopRequest> stopRequest = new AtomicReference<>();
  private final CompletableFuture<Void> killed = new CompletableFuture<>();
  private volatile ScheduledFuture<?> timeoutTask;

  private LocalStepHandle(
      StepLaunch launch,
      Process process,
      CompletableFuture<Void> logDrained,
      ResultReader results,
      Duration killGrace) {
    this.launch = launch;
    this.process = process;
    this.logDrained = logDrained;
    this.results = results;
    this.killGrace = killGrace;
    this.oomKillsAtStart = OomKills.count();
  }

  /** Watches a started process: enforces the launch's timeout and completes the outcome. */
  static LocalStepHandle watch(
      StepLaunch launch,
      Process process,
      CompletableFuture<Void> logDrained,
      ResultReader results,
      Duration killGrace,
      ScheduledExecutorService timer) {
    var handle = new LocalStepHandle(launch, process, logDrained, results, killGrace);
    Duration timeout = launch.timeout();
    if (timeout != null && timeout.isPositive()) {
      handle.timeoutTask =
          timer.schedule(
              () -> handle.stop(FailureCause.TIMED_OUT, "timed out after " + describe(timeout)),
              timeout.toNanos(),
              TimeUnit.NANOSECONDS);
    }
    process
        .onExit()
        .thenRunAsync(
            handle::finish, task -> Thread.ofVirtual().name("penstock-step-exit").start(task));
    return handle;
  }

  /** A handle for an attempt whose process never started. */
  static StepHandle notStarted(StepOutcome outcome) {
    return new StepHandle() {
      @Override
      public CompletableFuture<StepOutcome> outcome() {
        return CompletableFuture.completedFuture(outcome);
      }

      @Override
      public void stop(FailureCause cause, String error) {}

      @Override
      public long pid() {
        return -1;
      }
    };
  }

  @Override
  public CompletableFuture<StepOutcome> outcome() {
    return outcome;
  }

  @Override
  public void stop(FailureCause cause, String error) {
    if (outcome.isDone() || !stopRequest.compareAndSet(null, new StopRequest(cause, error))) {
      return;
    }
    LOG.info(
        "Stopping step {} attempt {} (pid {}): {}",
        launch.stepVersionId(),
        launch.attempt(),
        pid(),
        error);
    Thread.ofVirtual()
        .name("penstock-step-stop")
        .start(
            () -> {
              try {
                ProcessTree.terminate(process.toHandle(), killGrace);
              } finally {
                killed.complete(null);
              }
            });
  }

  @Override
  public long pid() {
    return process.pid();
  }

  private void finish() {
    try {
      int exitCode = process.exitValue();
      if (timeoutTask != null) {
        timeoutTask.cancel(false);
      }
      StopRequest stop = stopRequest.get();
      if (stop != null) {
        killed.join(); // the stop ends the group, after giving it its grace
      } else if (!Files.exists(launch.workDir().resolve(ResultReader.RESULT_FILE))) {
        // The runner ends what the step left in its group before it writes a result; one
        // that died without a result did not.
        ProcessTree.killGroup(process.pid());
      }
      awaitLogDrained();
      outcome.complete(
          stop != null
              ? StepOutcome.failure(stop.cause(), stop.error(), exitCode)
              : results.read(launch.workDir(), exitCode, launch.memoryGb(), oomKillerStruck()));
    } catch (RuntimeException | Error e) {
      LOG.error(
          "Executor fault finishing step {} attempt {}",
          launch.stepVersionId(),
          launch.attempt(),
          e);
      outcome.complete(
          StepOutcome.failure(
              FailureCause.LAUNCH_FAILED, "executor fault: " + e, process.exitValue()));
    }
  }

  private void awaitLogDrained() {
    try {
      logDrained.get(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn(
          "Step {} attempt {}: a process outside the step's group still holds its output; not"
              + " waiting for the rest of its log",
          launch.stepVersionId(),
          launch.attempt());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // the pump never completes exceptionally
    }
  }

  private boolean oomKillerStruck() {
    long now = OomKills.count();
    return oomKillsAtStart >= 0 && now > oomKillsAtStart;
  }

  /** "2 minutes", "1 minute", "90 seconds", "1.5 seconds". */
  static String describe(Duration duration) {
    if (duration.toNanosPart() == 0 && duration.toSecondsPart() == 0 && duration.toMinutes() > 0) {
      long minutes = duration.toMinutes();
      return minutes + (minutes == 1 ? " minute" : " minutes");
    }
    if (duration.toNanosPart() == 0) {
      long seconds = duration.toSeconds();
      return seconds + (seconds == 1 ? " second" : " seconds");
    }
    BigDecimal seconds =
        BigDecimal.valueOf(duration.toNanos()).movePointLeft(9).stripTrailingZeros();
    return seconds.toPlainString() + " seconds";
  }
}
