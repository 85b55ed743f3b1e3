package dev.penstock.executor.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.StepExecutor;
import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.executor.python.PythonEnvironments;
import dev.penstock.executor.python.RunnerScript;
import dev.penstock.executor.python.VirtualEnvironmentBuilder;
import dev.penstock.model.FailureCause;
import dev.penstock.model.Isolation;
import dev.penstock.model.LogChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * Runs each attempt in a local Python process in the attempt's directory, which writes result.json
 * there, as the attempt's isolation asks: at run, a warm worker of its run forked by the fork
 * server of its environment (penstock_worker.py); at step, a child of that fork server of its own;
 * at process, or under bubblewrap, a fresh {@code python -u penstock_runner.py <workDir>} that
 * reads request.json. The first two get their request inline. Each confines itself to the {@link
 * StepSandbox} before the step's code runs, and the working directory is held to its disk budget.
 * Steps with packageRequirements run in a cached virtual environment. stdout and stderr go, merged
 * in the order written, into the attempt's log, capped at {@code logCapBytes}. Thread-safe.
 */
public final class LocalProcessExecutor implements StepExecutor, AutoCloseable {
  public static final long DEFAULT_LOG_CAP_BYTES = LocalExecutorSettings.DEFAULT_LOG_CAP_BYTES;
  public static final Duration DEFAULT_KILL_GRACE = LocalExecutorSettings.DEFAULT_KILL_GRACE;

  /** Tells the runner whose death should end it; see its parent watchdog. */
  static final String PARENT_PID_VARIABLE = "PENSTOCK_PARENT_PID";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final StepSandbox sandbox;
  private final LocalStepHandle.Runtime runtime;
  private final ForkServers forkServers;
  private final ScheduledThreadPoolExecutor timer;
  private final OpenLogs openLogs;

  public LocalProcessExecutor(Path python, Path runnerDirectory) {
    this(LocalExecutorSettings.defaults(python, runnerDirectory));
  }

  public LocalProcessExecutor(
      Path python, Path runnerDirectory, long logCapBytes, Duration killGrace) {
    this(
        LocalExecutorSettings.defaults(python, runnerDirectory)
            .withLogCap(logCapBytes)
            .withKillGrace(killGrace));
  }

  public LocalProcessExecutor(LocalExecutorSettings settings) {
    this.openLogs = new OpenLogs(settings.logCapBytes());
    this.sandbox = settings.sandbox();
    Path runnerScript = RunnerScript.extractInto(settings.runnerDirectory());
    // bubblewrap makes a fresh process per step: a fork server's children cannot enter it.
    this.forkServers =
        sandbox.isolation() != StepIsolation.BUBBLEWRAP
            ? new ForkServers(
                runnerScript.resolveSibling(RunnerScript.FORK_SERVER_FILE_NAME),
                settings.python(),
                settings.maxOutputBytes(),
                sandbox,
                settings.workerMaxSteps())
            : null;
    var environments =
        new PythonEnvironments(
            settings.python(),
            settings.environmentsDirectory(),
            settings.environmentsLimitBytes(),
            new VirtualEnvironmentBuilder(settings.pipEnvironment()),
            forkServers == null ? python -> {} : forkServers::retire);
    this.timer =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon().name("penstock-step-timeouts").factory());
    this.timer.setRemoveOnCancelPolicy(true); // finished steps must not linger until their deadline
    this.runtime =
        new LocalStepHandle.Runtime(
            environments,
            starter(
                settings.isolation(),
                new FreshProcessStarter(runnerScript, JSON, settings.maxOutputBytes(), sandbox)),
            new ResultReader(JSON, settings.maxOutputBytes()),
            settings.killGrace(),
            timer);
  }

  /** Starts each step as its isolation asks, or as {@code byDefault} when it does not say. */
  private StepStarter starter(Isolation byDefault, FreshProcessStarter fresh) {
    return (launch, python) -> {
      Isolation asked = launch.isolation() != null ? launch.isolation() : byDefault;
      if (forkServers == null || asked == Isolation.PROCESS) {
        return fresh.start(launch, python);
      }
      return forkServers.start(launch, python, asked == Isolation.RUN);
    };
  }

  @Override
  public StepHandle launch(StepLaunch launch) {
    Path workDir = launch.workDir().toAbsolutePath();
    if (launch.logFile().toAbsolutePath().startsWith(workDir)) {
      return StepHandle.ended(
          StepOutcome.failure(
              FailureCause.LAUNCH_FAILED,
              "the log " + launch.logFile() + " must lie outside the step's directory " + workDir,
              null));
    }
    CappedLog log;
    try {
      Files.createDirectories(workDir);
      Files.deleteIfExists(workDir.resolve(ResultReader.RESULT_FILE));
      log = openLogs.open(launch.logFile());
      StepDirectories.prepare(sandbox, launch);
    } catch (IOException | UncheckedIOException e) {
      return StepHandle.ended(
          StepOutcome.failure(
              FailureCause.LAUNCH_FAILED,
              "cannot prepare the step's directory " + workDir + ": " + e,
              null));
    }
    var handle = LocalStepHandle.launch(launch, log, runtime);
    handle.logClosed().whenComplete((ignored, error) -> openLogs.closed(launch.logFile(), log));
    DiskBudget.watch(workDir, sandbox.diskBudgetBytes(), timer, handle.outcome(), handle::stop);
    return handle;
  }

  @Override
  public String readLog(Path logFile) {
    return openLogs.read(logFile);
  }

  @Override
  public LogChunk readLog(Path logFile, long from, int maxBytes) {
    return openLogs.read(logFile, from, maxBytes);
  }

  /** How many fork servers are alive now; 0 when steps start as fresh processes. */
  public int forkServersAlive() {
    return forkServers == null ? 0 : forkServers.alive();
  }

  /** Ends the fork servers (killing what they still run) and the timeout timer. */
  @Override
  public void close() {
    if (forkServers != null) {
      forkServers.close();
    }
    timer.shutdownNow();
  }
}
