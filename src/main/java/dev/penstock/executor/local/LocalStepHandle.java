package dev.penstock.executor.local;

import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.executor.local.StepStarter.StartException;
import dev.penstock.executor.python.EnvironmentBuilder.EnvironmentException;
import dev.penstock.executor.python.PythonEnvironments;
import dev.penstock.model.FailureCause;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt, from getting its Python environment to its outcome. On a virtual thread it gets the
 * environment and starts the process; once the runner has written its result and let go of its
 * output (or the process has exited), nothing it started runs on in its process group and its
 * output is in the log, it completes the outcome. Thread-safe: the start and a stop decide under
 * one lock whether a process may still start.
 */
final class LocalStepHandle implements StepHandle {
  private static final Logger LOG = LoggerFactory.getLogger(LocalStepHandle.class);

  /** What every attempt of one executor shares. */
  record Runtime(
      PythonEnvironments environments,
      StepStarter starter,
      ResultReader results,
      Duration killGrace,
      ScheduledExecutorService timer) {}

  private record StopRequest(FailureCause cause, String error) {}

  private final StepLaunch launch;
  private final CappedLog log;
  private final Runtime runtime;
  private final long oomKillsAtStart = OomKills.count();
  private final CompletableFuture<StepOutcome> outcome = new CompletableFuture<>();
  private final CompletableFuture<Long> started = new CompletableFuture<>();
  private final CompletableFuture<Void> logClosed = new CompletableFuture<>();
  private final AtomicReference<StopRequest> stopRequest = new AtomicReference<>();
  private final AtomicBoolean killing = new AtomicBoolean();
  private final CompletableFuture<Void> killed = new CompletableFuture<>();
  private final AtomicBoolean finishing = new AtomicBoolean();
  private volatile boolean starting;
  private volatile StepProcess process;
  private volatile Long environmentMillis;
  private volatile ScheduledFuture<?> timeoutTask;

  private LocalStepHandle(StepLaunch launch, CappedLog log, Runtime runtime) {
    this.launch = launch;
    this.log = log;
    this.runtime = runtime;
  }

  /** Runs the attempt, its directory made and its log open; enforces its timeout. */
  static LocalStepHandle launch(StepLaunch launch, CappedLog log, Runtime runtime) {
    var handle = new LocalStepHandle(launch, log, runtime);
    handle.timeoutTask = StepTimeout.schedule(runtime.timer(), launch.timeout(), handle::stop);
    Thread.ofVirtual().name("penstock-step-" + launch.stepVersionId()).start(handle::start);
    return handle;
  }

  @Override
  public CompletableFuture<StepOutcome> outcome() {
    return outcome;
  }

  @Override
  public CompletableFuture<Long> started() {
    return started;
  }

  /** Completes once nothing writes to the attempt's log any more. */
  CompletableFuture<Void> logClosed() {
    return logClosed;
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
    // Never waits for a start in progress: run() checks for a stop once it has a process.
    StepProcess started = process;
    if (started != null) {
      kill(started);
    } else if (!starting) { // still getting its environment, which goes on for other steps
      complete(StepOutcome.failure(cause, error, null));
    }
  }

  @Override
  public long pid() {
    StepProcess started = process;
    return started == null ? -1 : started.pid();
  }

  private void start() {
    try {
      run();
    } catch (RuntimeException | Error e) {
      LOG.error(
          "Executor fault starting step {} attempt {}",
          launch.stepVersionId(),
          launch.attempt(),
          e);
      endWithoutProcess(
          StepOutcome.failure(FailureCause.LAUNCH_FAILED, "executor fault: " + e, null));
    }
  }

  private void run() {
    PythonEnvironments.Lease environment;
    try {
      environment = runtime.environments().acquire(launch.packageRequirements(), log);
    } catch (EnvironmentException e) {
      endWithoutProcess(StepOutcome.failure(e.failureCause(), e.getMessage(), null));
      return;
    }
    environmentMillis = environment.millis();
    // With stop(): each writes its own flag, then reads the other's (volatile), so one of the
    // two sees the other and the stop is never lost.
    starting = true;
    StopRequest stop = stopRequest.get();
    if (stop != null) {
      environment.close();
      endWithoutProcess(StepOutcome.failure(stop.cause(), stop.error(), null));
      return;
    }
    StepProcess started;
    try {
      started = runtime.starter().start(launch, environment.python());
    } catch (StartException e) {
      environment.close();
      log.line("[penstock] " + e.getMessage());
      endWithoutProcess(StepOutcome.failure(FailureCause.LAUNCH_FAILED, e.getMessage(), null));
      return;
    }
    process = started;
    this.started.complete(System.nanoTime());
    if (stopRequest.get() != null) {
      kill(started);
    }
    LOG.debug(
        "Started step {} attempt {} as pid {}",
        launch.stepVersionId(),
        launch.attempt(),
        started.pid());
    var drained =
        LogPump.start(started.output(), log, launch.stepVersionId() + "-" + launch.attempt());
    drained.whenComplete((ignored, error) -> logClosed.complete(null));
    // The runner lets go of its output once result.json is written: the step is over then, and
    // its process's exit, which can take milliseconds, need not be waited for.
    drained.thenRun(
        () -> {
          if (stopRequest.get() == null
              && resultWritten()
              && finishing.compareAndSet(false, true)) {
            finishWithResult();
          }
        });
    started
        .exited()
        .whenCompleteAsync(
            (exitCode, error) -> {
              try {
                if (finishing.compareAndSet(false, true)) {
                  finish(started, exitCode, error, drained);
                }
              } finally {
                environment.close();
              }
            },
            task -> Thread.ofVirtual().name("penstock-step-exit").start(task));
  }

  private boolean resultWritten() {
    return Files.exists(launch.workDir().resolve(ResultReader.RESULT_FILE));
  }

  private void finishWithResult() {
    try {
      cancelTimeout();
      complete(
          ClaimedFiles.claim(
              launch,
              ClaimedResult.read(
                  launch, dir -> runtime.results().readWritten(dir, launch.memoryGb()), null)));
    } catch (RuntimeException | Error e) {
      failFinishing(e, null);
    }
  }

  private void cancelTimeout() {
    if (timeoutTask != null) {
      timeoutTask.cancel(false);
    }
  }

  private void finish(
      StepProcess started, Integer exitCode, Throwable lost, CompletableFuture<Void> drained) {
    try {
      cancelTimeout();
      StopRequest stop = stopRequest.get();
      if (stop != null) {
        killed.join(); // the stop ends the group, after giving it its grace
      } else if (lost != null || !resultWritten()) {
        // The runner ends what the step left in its group before it writes a result; one
        // that died without a result did not.
        ProcessTree.killGroup(started.pid());
      }
      LogPump.awaitDrained(drained, launch.stepVersionId() + " attempt " + launch.attempt());
      if (stop != null) {
        complete(StepOutcome.failure(stop.cause(), stop.error(), exitCode));
      } else if (lost != null) {
        String why =
            lost instanceof CompletionException ? lost.getCause().getMessage() : lost.getMessage();
        complete(StepOutcome.failure(FailureCause.WORKER_LOST, why + " while the step ran", null));
      } else {
        complete(
            ClaimedFiles.claim(
                launch,
                ClaimedResult.read(
                    launch,
                    dir ->
                        runtime
                            .results()
                            .read(dir, exitCode, launch.memoryGb(), this::oomKillerStruck),
                    exitCode)));
      }
    } catch (RuntimeException | Error e) {
      failFinishing(e, exitCode);
    }
  }

  private void failFinishing(Throwable fault, Integer exitCode) {
    LOG.error(
        "Executor fault finishing step {} attempt {}",
        launch.stepVersionId(),
        launch.attempt(),
        fault);
    complete(StepOutcome.failure(FailureCause.LAUNCH_FAILED, "executor fault: " + fault, exitCode));
  }

  private void kill(StepProcess started) {
    if (!killing.compareAndSet(false, true)) {
      return;
    }
    Thread.ofVirtual()
        .name("penstock-step-stop")
        .start(
            () -> {
              try {
                started.terminate(runtime.killGrace());
              } finally {
                killed.complete(null);
              }
            });
  }

  /** Ends an attempt that never got a process. */
  private void endWithoutProcess(StepOutcome failure) {
    cancelTimeout();
    try {
      log.close();
    } catch (IOException e) {
      LOG.warn("Cannot close the log of step {}: {}", launch.stepVersionId(), e.toString());
    }
    logClosed.complete(null);
    complete(failure);
  }

  private void complete(StepOutcome result) {
    outcome.complete(result.withEnvironmentMillis(environmentMillis));
  }

  private boolean oomKillerStruck() {
    long now = OomKills.count();
    return oomKillsAtStart >= 0 && now > oomKillsAtStart;
  }
}
