package dev.penstock.executor.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.StepExecutor;
import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each attempt as a local Python process: {@code python -u penstock_runner.py <workDir>} in
 * the attempt's directory, which reads request.json and writes result.json there. stdout and stderr
 * go, merged in the order written, into the attempt's log, capped at {@code logCapBytes}.
 * Thread-safe.
 */
public final class LocalProcessExecutor implements StepExecutor {
  public static final long DEFAULT_LOG_CAP_BYTES = 10L * 1024 * 1024;
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(10);
  static final String REQUEST_FILE = "request.json";

  /** Tells the runner whose death should end it; see its parent watchdog. */
  static final String PARENT_PID_VARIABLE = "PENSTOCK_PARENT_PID";

  private static final Logger LOG = LoggerFactory.getLogger(LocalProcessExecutor.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path python;
  private final Path runnerScript;
  private final long logCapBytes;
  private final Duration killGrace;
  private final ResultReader results;
  private final ScheduledThreadPoolExecutor timer;
  private final Map<Path, CappedLog> openLogs = new ConcurrentHashMap<>();

  public LocalProcessExecutor(Path python, Path runnerDirectory) {
    this(python, runnerDirectory, DEFAULT_LOG_CAP_BYTES, DEFAULT_KILL_GRACE);
  }

  /**
   * @param python the interpreter steps run in
   * @param runnerDirectory where the runner script is copied from the classpath, once
   * @param logCapBytes the most log kept per attempt; beyond it only the tail is
   * @param killGrace how long a stopped step has between SIGTERM and SIGKILL
   */
  public LocalProcessExecutor(
      Path python, Path runnerDirectory, long logCapBytes, Duration killGrace) {
    if (logCapBytes < 2) {
      throw new IllegalArgumentException("logCapBytes must be at least 2, was " + logCapBytes);
    }
    this.python = python;
    this.runnerScript = RunnerScript.extractInto(runnerDirectory);
    this.logCapBytes = logCapBytes;
    this.killGrace = killGrace;
    this.results = new ResultReader(JSON, python);
    this.timer =
        new ScheduledThreadPoolExecutor(
            1, Thread.ofPlatform().daemon().name("penstock-step-timeouts").factory());
    this.timer.setRemoveOnCancelPolicy(true); // finished steps must not linger until their deadline
  }

  @Override
  public StepHandle launch(StepLaunch launch) {
    Path workDir = launch.workDir().toAbsolutePath();
    CappedLog log;
    try {
      Files.createDirectories(workDir);
      Files.deleteIfExists(workDir.resolve(ResultReader.RESULT_FILE));
      JSON.writeValue(workDir.resolve(REQUEST_FILE).toFile(), request(launch));
      log = CappedLog.open(launch.logFile(), logCapBytes);
    } catch (IOException | UncheckedIOException e) {
      return LocalStepHandle.notStarted(
          StepOutcome.failure(
              FailureCause.LAUNCH_FAILED,
              "cannot prepare the step's directory " + workDir + ": " + e,
              null));
    }
    Process process;
    try {
      process = processBuilder(launch, workDir).start();
    } catch (IOException e) {
      return notStarted(launch, log, e);
    }
    LOG.debug(
        "Started step {} attempt {} as pid {}",
        launch.stepVersionId(),
        launch.attempt(),
        process.pid());
    closeQuietly(process.getOutputStream()); // input() in a step sees end of file, not a hang
    Path logKey = logKey(launch.logFile());
    openLogs.put(logKey, log);
    var drained =
        LogPump.start(
            process.getInputStream(), log, launch.stepVersionId() + "-" + launch.attempt());
    drained.whenComplete((ignored, error) -> openLogs.remove(logKey, log));
    return LocalStepHandle.watch(launch, process, drained, results, killGrace, timer);
  }

  @Override
  public String readLog(Path logFile) {
    CappedLog open = openLogs.get(logKey(logFile));
    return open != null ? open.read(logCapBytes) : CappedLog.read(logFile, logCapBytes);
  }

  private ProcessBuilder processBuilder(StepLaunch launch, Path workDir) {
    var builder =
        new ProcessBuilder(python.toString(), "-u", runnerScript.toString(), workDir.toString())
            .directory(workDir.toFile())
            .redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    if (launch.environment() != null) {
      environment.putAll(launch.environment());
    }
    environment.put("PYTHONUNBUFFERED", "1");
    environment.put(PARENT_PID_VARIABLE, Long.toString(ProcessHandle.current().pid()));
    return builder;
  }

  private StepHandle notStarted(StepLaunch launch, CappedLog log, IOException e) {
    String message =
        "cannot start the step's Python "
            + python
            + " ("
            + e.getMessage()
            + "); install python3"
            + " (Debian package python3) or set PENSTOCK_PYTHON to a Python 3.9 or later";
    try (log) {
      log.writeLine("[penstock] " + message);
    } catch (IOException logError) {
      LOG.warn(
          "Cannot write to the log of step {}: {}", launch.stepVersionId(), logError.toString());
    }
    return LocalStepHandle.notStarted(
        StepOutcome.failure(FailureCause.LAUNCH_FAILED, message, null));
  }

  private static Map<String, Object> request(StepLaunch launch) {
    var request = new LinkedHashMap<String, Object>();
    request.put("step_version_id", launch.stepVersionId());
    request.put("attempt", launch.attempt());
    request.put("function_name", launch.functionName());
    request.put("source_code", launch.sourceCode());
    request.put("kwargs", launch.kwargs() == null ? Map.of() : launch.kwargs());
    request.put(
        "package_requirements",
        launch.packageRequirements() == null ? List.of() : launch.packageRequirements());
    request.put("memory_gb", launch.memoryGb());
    return request;
  }

  private static Path logKey(Path logFile) {
    return logFile.toAbsolutePath().normalize();
  }

  private static void closeQuietly(OutputStream stream) {
    try {
      stream.close();
    } catch (IOException e) {
      // nothing was written to it; a failed close changes nothing
    }
  }
}
