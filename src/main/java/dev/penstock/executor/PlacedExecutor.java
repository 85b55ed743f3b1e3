package dev.penstock.executor;

import dev.penstock.model.FailureCause;
import dev.penstock.model.LogChunk;
import dev.penstock.model.StepPlacement;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Hands each attempt to the executor its placement names, or the server's default: the local
 * executor, or Kubernetes when the server has it. An attempt placed on an executor this server does
 * not have fails to launch, saying how to get it. A log is read through the executor writing it,
 * else from its file (both keep logs alike). Thread-safe.
 */
public final class PlacedExecutor implements StepExecutor {
  private final Map<StepPlacement.Executor, StepExecutor> executors;
  private final StepPlacement.Executor byDefault;
  private final Predicate<Path> kubernetesWriting;

  /**
   * @param executors the executors this server has
   * @param byDefault the one an attempt whose pipeline chose none runs on
   * @param kubernetesWriting whether the Kubernetes executor is writing a log now
   */
  public PlacedExecutor(
      Map<StepPlacement.Executor, StepExecutor> executors,
      StepPlacement.Executor byDefault,
      Predicate<Path> kubernetesWriting) {
    this.executors = Map.copyOf(executors);
    this.byDefault = byDefault;
    this.kubernetesWriting = kubernetesWriting;
  }

  private StepPlacement.Executor chosen(StepLaunch launch) {
    var asked = launch.placement().executor();
    return asked != null ? asked : byDefault;
  }

  @Override
  public StepHandle launch(StepLaunch launch) {
    var chosen = chosen(launch);
    StepExecutor executor = executors.get(chosen);
    if (executor == null) {
      return StepHandle.ended(
          StepOutcome.failure(
              FailureCause.LAUNCH_FAILED,
              "the pipeline runs its steps on "
                  + chosen.wireName()
                  + ", which this server does not have (start it with --executor "
                  + chosen.wireName()
                  + ")",
              null));
    }
    return executor.launch(launch);
  }

  @Override
  public Optional<StepHandle> adopt(StepLaunch launch) {
    StepExecutor executor = executors.get(chosen(launch));
    return executor == null ? Optional.empty() : executor.adopt(launch);
  }

  @Override
  public boolean adopts(StepLaunch launch) {
    StepExecutor executor = executors.get(chosen(launch));
    return executor != null && executor.adopts(launch);
  }

  private StepExecutor reading(Path logFile) {
    StepExecutor kubernetes = executors.get(StepPlacement.Executor.KUBERNETES);
    if (kubernetes != null && kubernetesWriting.test(logFile)) {
      return kubernetes;
    }
    StepExecutor local = executors.get(StepPlacement.Executor.LOCAL);
    return local != null ? local : kubernetes;
  }

  @Override
  public String readLog(Path logFile) {
    return reading(logFile).readLog(logFile);
  }

  @Override
  public LogChunk readLog(Path logFile, long from, int maxBytes) {
    return reading(logFile).readLog(logFile, from, maxBytes);
  }
}
