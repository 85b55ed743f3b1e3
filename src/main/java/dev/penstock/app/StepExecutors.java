package dev.penstock.app;

import dev.penstock.engine.attempt.RunKeys;
import dev.penstock.executor.PlacedExecutor;
import dev.penstock.executor.StepExecutor;
import dev.penstock.executor.kubernetes.KubernetesExecutor;
import dev.penstock.executor.local.LocalExecutorSettings;
import dev.penstock.executor.local.LocalProcessExecutor;
import dev.penstock.executor.local.RunnerResults;
import dev.penstock.executor.local.StepSandbox;
import dev.penstock.model.StepPlacement;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The executors a server runs steps on, as its configuration says: always the local one, the
 * Kubernetes one with {@code --executor kubernetes}, and before them the {@link PlacedExecutor}
 * that hands each attempt to the one its pipeline chose. Closing closes them all.
 */
final class StepExecutors implements AutoCloseable {
  private final LocalProcessExecutor local;
  private final KubernetesExecutor kubernetes;
  private final PlacedExecutor placed;

  /**
   * @param serverUrl the server's own URL, known once it listens
   */
  StepExecutors(
      PenstockConfig config,
      StepSandbox sandbox,
      Path runnerDir,
      RunnerResults results,
      RunKeys runKeys,
      Supplier<String> serverUrl) {
    this.local =
        new LocalProcessExecutor(
            LocalExecutorSettings.defaults(Path.of(config.python()), runnerDir)
                .withEnvironments(
                    config.dataDir().resolve("python-envs"),
                    config.pythonEnvsLimitBytes(),
                    Map.of())
                .withLogCap(config.logCapBytes())
                .withKillGrace(config.killGrace())
                .withIsolation(config.isolation())
                .withWorkerMaxSteps(config.workerMaxSteps())
                .withMaxOutput(config.maxOutputBytes())
                .withSandbox(sandbox));
    this.kubernetes =
        config.executor() == StepPlacement.Executor.KUBERNETES
            ? KubernetesExecutor.connect(
                config.kubernetes(),
                results,
                config.logCapBytes(),
                runKeys::attemptToken,
                serverUrl)
            : null;
    var byPlacement =
        new EnumMap<StepPlacement.Executor, StepExecutor>(StepPlacement.Executor.class);
    byPlacement.put(StepPlacement.Executor.LOCAL, local);
    if (kubernetes != null) {
      byPlacement.put(StepPlacement.Executor.KUBERNETES, kubernetes);
    }
    this.placed =
        new PlacedExecutor(
            byPlacement,
            config.executor(),
            logFile -> kubernetes != null && kubernetes.writing(logFile));
  }

  /** The executor the engine launches on: each attempt goes where its pipeline placed it. */
  StepExecutor placed() {
    return placed;
  }

  LocalProcessExecutor local() {
    return local;
  }

  /**
   * Starts watching the cluster, if the server runs steps there, before recovery adopts the Jobs
   * still running; throws {@link dev.penstock.executor.ExecutorException} when it cannot be
   * reached.
   */
  void start() {
    if (kubernetes != null) {
      kubernetes.start();
    }
  }

  @Override
  public void close() {
    if (kubernetes != null) {
      kubernetes.close();
    }
    local.close();
  }
}
