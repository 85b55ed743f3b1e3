package dev.penstock.engine.run;

import dev.penstock.engine.attempt.StepLauncher;
import dev.penstock.engine.definition.Definitions;
import dev.penstock.model.Dag;
import dev.penstock.model.FailureCause;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepVersion;
import dev.penstock.store.RunEvents;
import dev.penstock.store.RunStore;
import dev.penstock.store.RunningAttempt;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * What a user does to a run once it exists: rerun steps (resetPipelineVersion), skip what has not
 * started (skipPendingPipelineVersionSteps), cancel (cancelPipelineVersion). Each is one store
 * transaction; processes of attempts it took away are then stopped, and the scheduler woken.
 * Thread-safe.
 */
public final class RunControl {
  private final RunStore runs;
  private final RunEvents events;
  private final Scheduler scheduler;
  private final StepLauncher launcher;
  private final InstantSource clock;

  /**
   * @param events where a change is announced to the other servers on the database, one of which
   *     may run the run's steps
   */
  public RunControl(
      RunStore runs,
      RunEvents events,
      Scheduler scheduler,
      StepLauncher launcher,
      InstantSource clock) {
    this.runs = runs;
    this.events = events;
    this.scheduler = scheduler;
    this.launcher = launcher;
    this.clock = clock;
  }

  /**
   * Reruns the named steps (and, with {@code includeDownstream}, every step after them) inside the
   * same version, with the version's own snapshot; the outputs of the other steps stay. Named steps
   * that are running are stopped and rerun. No names ({@code null}, as the SDK's {@code
   * PipelineVersion.reset()} sends) reruns every step; an empty list is refused as a likely slip.
   * The caller reads the run again to show it.
   */
  public void reset(String versionId, List<String> stepNames, boolean includeDownstream) {
    var version = version(versionId);
    if (stepNames != null && stepNames.isEmpty()) {
      throw new InvalidParameterException(
          "steps must name at least one step to rerun, or be left out to rerun every step");
    }
    if (stepNames == null) {
      stepNames = version.steps().stream().map(StepVersion::stepName).toList();
    }
    var byName = new LinkedHashMap<String, StepVersion>();
    version.steps().forEach(step -> byName.put(step.stepName(), step));
    var unknown = stepNames.stream().filter(name -> !byName.containsKey(name)).toList();
    if (!unknown.isEmpty()) {
      throw new InvalidParameterException(
          "pipeline version %s has no step named %s; its steps are %s"
              .formatted(
                  versionId, String.join(", ", unknown), String.join(", ", byName.keySet())));
    }
    Set<String> names = new HashSet<>(stepNames);
    if (includeDownstream) {
      var graph = new LinkedHashMap<String, List<String>>();
      version.steps().forEach(step -> graph.put(step.stepName(), step.dependencies()));
      names.addAll(Dag.of(graph).downstreamOf(names));
    }
    var ids = new ArrayList<String>();
    names.forEach(name -> ids.add(byName.get(name).id()));
    String reason = "rerun requested by resetPipelineVersion";
    stop(runs.resetSteps(versionId, ids, reason, clock.instant()), reason);
    scheduler.refresh(versionId);
    events.announce(versionId);
  }

  /** Every step not yet started ends SKIPPED; running steps finish; then the version ends. */
  public void skipPending(String versionId) {
    version(versionId);
    runs.skipPendingSteps(versionId, "skipped by skipPendingPipelineVersionSteps", clock.instant());
    scheduler.refresh(versionId);
    events.announce(versionId);
  }

  /**
   * Cancels an open version: pending steps end CANCELLED, running ones are stopped (SIGTERM, then
   * SIGKILL after the grace period) and end CANCELLED, and so does the version. A finished version
   * is left unchanged.
   */
  public void cancel(String versionId) {
    var version = version(versionId);
    if (version.status().terminal()) {
      return;
    }
    String reason = "Cancelled by cancelPipelineVersion";
    stop(runs.cancelVersion(versionId, reason, clock.instant()), reason);
    scheduler.refresh(versionId);
    events.announce(versionId);
  }

  private void stop(List<RunningAttempt> attempts, String why) {
    for (RunningAttempt attempt : attempts) {
      launcher
          .running()
          .stop(attempt.stepVersionId(), attempt.attempt(), FailureCause.WORKER_LOST, why);
    }
  }

  /** The version as planning reads it: its steps' bound inputs, maybe large, are not needed. */
  private PipelineVersion version(String versionId) {
    Definitions.requireName(versionId, "pipelineVersion");
    return runs.findVersionToPlan(versionId)
        .orElseThrow(() -> new NotFoundException("Pipeline version not found: " + versionId));
  }
}
