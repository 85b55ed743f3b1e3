package dev.penstock.engine.attempt;

import dev.penstock.executor.StepExecutor;
import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepVersion;
import dev.penstock.store.RunStore;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes up steps RUNNING under a server that died (or this one before it restarted) whose attempts
 * may outlive their server (a Kubernetes Job). Each is taken up on a thread of its own, as it asks
 * the cluster, which must not hold up the caller (the heartbeat): the claim moves to this server
 * and the attempt is followed as if launched here; an attempt whose Job is gone runs again without
 * using a retry; when the cluster cannot be asked, the claim goes back as it was, for the next
 * look. Thread-safe.
 */
final class Adoptions {
  private static final Logger log = LoggerFactory.getLogger(Adoptions.class);

  /** Follows an adopted attempt until its outcome is in the store, on slots of this server. */
  interface Follower {
    void follow(String runId, StepVersion step, StepHandle handle);
  }

  private final RunStore runs;
  private final AttemptSetup setup;
  private final StepExecutor executor;
  private final AttemptRecorder recorder;
  private final Set<RunningAttempts.Key> tracked;
  private final InstantSource clock;
  private final String nodeId;
  private final Follower follower;

  Adoptions(
      RunStore runs,
      AttemptSetup setup,
      StepExecutor executor,
      AttemptRecorder recorder,
      Set<RunningAttempts.Key> tracked,
      InstantSource clock,
      String nodeId,
      Follower follower) {
    this.runs = runs;
    this.setup = setup;
    this.executor = executor;
    this.recorder = recorder;
    this.tracked = tracked;
    this.clock = clock;
    this.nodeId = nodeId;
    this.follower = follower;
  }

  /** See {@link StepLauncher#adopt}. */
  boolean adopt(StepVersion step, String why) {
    var version = runs.findVersion(step.pipelineVersionId()).orElse(null);
    if (version == null) {
      return false;
    }
    var launch = setup.adopted(version, step, step.attempt());
    if (!executor.adopts(launch)) {
      return false;
    }
    var key = new RunningAttempts.Key(step.id(), step.attempt());
    if (!tracked.add(key)) {
      return true; // this server runs it already, or is taking it up
    }
    try {
      Thread.ofVirtual()
          .name("adopt-" + step.id())
          .start(() -> takeUp(version, step, launch, key, why));
    } catch (RuntimeException | Error e) {
      tracked.remove(key);
      throw e;
    }
    return true;
  }

  private void takeUp(
      PipelineVersion version,
      StepVersion step,
      StepLaunch launch,
      RunningAttempts.Key key,
      String why) {
    int attempt = launch.attempt();
    boolean handedOver = false; // to the recorder or the attempt's end, which untrack it
    try {
      if (!runs.adoptStep(step.id(), attempt, step.claimedBy(), nodeId, clock.instant())) {
        return; // another server took it up, or it ended
      }
      Optional<StepHandle> handle;
      try {
        handle = executor.adopt(launch);
      } catch (RuntimeException e) {
        log.warn(
            "Could not ask where step version {} attempt {} runs; looking again later: {}",
            step.id(),
            attempt,
            e.toString());
        runs.adoptStep(step.id(), attempt, nodeId, step.claimedBy(), clock.instant());
        return;
      }
      handedOver = true;
      if (handle.isEmpty()) {
        recorder.platformFault(
            step,
            attempt,
            "attempt %d was lost because %s while it ran".formatted(attempt, why),
            () -> tracked.remove(key));
        return;
      }
      follower.follow(version.id(), step, handle.get());
      log.info(
          "Took up step version {} attempt {} of run {}, still running after {}",
          step.id(),
          attempt,
          version.id(),
          why);
    } catch (RuntimeException | Error e) {
      log.error("Taking up step version {} attempt {} failed", step.id(), attempt, e);
    } finally {
      if (!handedOver) {
        tracked.remove(key);
      }
    }
  }
}
