package dev.penstock.executor.local;

import dev.penstock.model.Isolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * How a {@link LocalProcessExecutor} runs steps.
 *
 * @param python the base interpreter: steps without packageRequirements run in it, and virtual
 *     environments are made from it
 * @param runnerDirectory where the runner and fork server scripts are copied from the classpath
 * @param environmentsDirectory where the virtual environments for packageRequirements are cached
 * @param environmentsLimitBytes past this total size, least recently used environments are deleted
 * @param logCapBytes the most log kept per attempt; beyond it only the tail is
 * @param killGrace how long a stopped step has between SIGTERM and SIGKILL
 * @param isolation which steps may share a process when the launch does not say: see {@link
 *     Isolation}; under bubblewrap every step is a fresh process whatever is asked
 * @param workerMaxSteps how many steps a warm worker runs before it is replaced
 * @param pipEnvironment variables added to the server's own for venv and pip (PIP_* settings)
 * @param maxOutputBytes the most JSON a step's return value may take; the runner fails a larger
 *     one, and a result.json past it (and some room for an error's text) is never read
 * @param sandbox what each step's process is confined to
 */
public record LocalExecutorSettings(
    Path python,
    Path runnerDirectory,
    Path environmentsDirectory,
    long environmentsLimitBytes,
    long logCapBytes,
    Duration killGrace,
    Isolation isolation,
    int workerMaxSteps,
    Map<String, String> pipEnvironment,
    long maxOutputBytes,
    StepSandbox sandbox) {
  public static final long DEFAULT_LOG_CAP_BYTES = 10L * 1024 * 1024;
  public static final long DEFAULT_ENVIRONMENTS_LIMIT_BYTES = 10L * 1024 * 1024 * 1024;
  public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(10);
  public static final long DEFAULT_MAX_OUTPUT_BYTES = 10L * 1024 * 1024;
  public static final int DEFAULT_WORKER_MAX_STEPS = 500;

  public LocalExecutorSettings {
    if (logCapBytes < 2) {
      throw new IllegalArgumentException("logCapBytes must be at least 2, was " + logCapBytes);
    }
    pipEnvironment = Map.copyOf(pipEnvironment);
    if (workerMaxSteps < 1) {
      throw new IllegalArgumentException("workerMaxSteps must be positive, was " + workerMaxSteps);
    }
    if (maxOutputBytes < 1) {
      throw new IllegalArgumentException("maxOutputBytes must be positive, was " + maxOutputBytes);
    }
  }

  /** The defaults, with {@code python-envs} beside the runner directory. */
  public static LocalExecutorSettings defaults(Path python, Path runnerDirectory) {
    return new LocalExecutorSettings(
        python,
        runnerDirectory,
        runnerDirectory.toAbsolutePath().resolveSibling("python-envs"),
        DEFAULT_ENVIRONMENTS_LIMIT_BYTES,
        DEFAULT_LOG_CAP_BYTES,
        DEFAULT_KILL_GRACE,
        Isolation.RUN,
        DEFAULT_WORKER_MAX_STEPS,
        Map.of(),
        DEFAULT_MAX_OUTPUT_BYTES,
        StepSandbox.unconfined());
  }

  public LocalExecutorSettings withIsolation(Isolation level) {
    return copy(settings -> settings.isolation = level);
  }

  public LocalExecutorSettings withWorkerMaxSteps(int steps) {
    return copy(settings -> settings.workerMaxSteps = steps);
  }

  public LocalExecutorSettings withLogCap(long bytes) {
    return copy(settings -> settings.logCapBytes = bytes);
  }

  public LocalExecutorSettings withKillGrace(Duration grace) {
    return copy(settings -> settings.killGrace = grace);
  }

  public LocalExecutorSettings withEnvironments(
      Path directory, long limitBytes, Map<String, String> pip) {
    return copy(
        settings -> {
          settings.environmentsDirectory = directory;
          settings.environmentsLimitBytes = limitBytes;
          settings.pipEnvironment = pip;
        });
  }

  public LocalExecutorSettings withMaxOutput(long bytes) {
    return copy(settings -> settings.maxOutputBytes = bytes);
  }

  public LocalExecutorSettings withSandbox(StepSandbox confinement) {
    return copy(settings -> settings.sandbox = confinement);
  }

  /** These settings with what {@code change} sets in a mutable copy of them: one wither each. */
  private LocalExecutorSettings copy(Consumer<Draft> change) {
    var draft = new Draft(this);
    change.accept(draft);
    return draft.build();
  }

  /** A mutable copy, so that each wither names only the fields it changes. Not thread-safe. */
  private static final class Draft {
    Path environmentsDirectory;
    long environmentsLimitBytes;
    long logCapBytes;
    Duration killGrace;
    Isolation isolation;
    int workerMaxSteps;
    Map<String, String> pipEnvironment;
    long maxOutputBytes;
    StepSandbox sandbox;
    private final LocalExecutorSettings from;

    Draft(LocalExecutorSettings from) {
      this.from = from;
      environmentsDirectory = from.environmentsDirectory;
      environmentsLimitBytes = from.environmentsLimitBytes;
      logCapBytes = from.logCapBytes;
      killGrace = from.killGrace;
      isolation = from.isolation;
      workerMaxSteps = from.workerMaxSteps;
      pipEnvironment = from.pipEnvironment;
      maxOutputBytes = from.maxOutputBytes;
      sandbox = from.sandbox;
    }

    LocalExecutorSettings build() {
      return new LocalExecutorSettings(
          from.python,
          from.runnerDirectory,
          environmentsDirectory,
          environmentsLimitBytes,
          logCapBytes,
          killGrace,
          isolation,
          workerMaxSteps,
          pipEnvironment,
          maxOutputBytes,
          sandbox);
    }
  }
}
