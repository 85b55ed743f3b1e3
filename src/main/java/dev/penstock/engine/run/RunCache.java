package dev.penstock.engine.run;

import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepProgress;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.RunStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open runs this node plans, kept in memory (without the steps' bound inputs) with their plan
 * state so that an event costs at most a read of what changed of the steps it changed, not of the
 * whole run. The store stays the truth: whoever changes a step marks it, with the progress the
 * store answered the change with when it has it, and the next planning pass takes that progress or
 * reads the step again; a change the cache cannot follow (a reset, a cancel, another node's work)
 * drops the run, which is read whole again. A run read again keeps the times at which its steps
 * became ready. Thread-safe; a run is refreshed only by the thread that plans it.
 */
final class RunCache {
  private static final class Entry {
    volatile PipelineVersion version;
    final Map<String, Integer> positions = new HashMap<>();
    // Step version id -> its changes not yet planned.
    final Map<String, Mark> stale = new ConcurrentHashMap<>();
    volatile boolean forgotten; // read it whole again, keeping when its steps became ready
    RunState state; // null until the first read of the run completes
    Scope scope;
  }

  /**
   * A step's changes not yet planned: when the first was marked (nanoTime, the time it committed),
   * and the progress the last one left, if that change told it and no other change came before it
   * was planned; null means read the step.
   */
  private record Mark(long nanos, StepProgress progress) {}

  /**
   * An open run as planned: its version, its plan state and variable scope (both null for a run
   * that has ended), and each step found by id without a scan.
   */
  record Snapshot(
      PipelineVersion version, RunState state, Scope scope, Map<String, Integer> positions) {
    StepVersion step(String stepVersionId) {
      return version.steps().get(positions.get(stepVersionId));
    }
  }

  private final RunStore runs;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  RunCache(RunStore runs) {
    this.runs = runs;
  }

  /** The run as the store has it now; read whole the first time, then only its changed steps. */
  Optional<Snapshot> current(String runId) {
    Entry entry = entries.get(runId);
    if (entry == null || entry.state == null || entry.forgotten) {
      RunState previous = entry == null ? null : entry.state;
      entry = new Entry();
      // Cached before the read, so that a step changed from now on is marked in it: a change
      // committed after the read is then read below, not lost until the sweeper reads the run.
      entries.put(runId, entry);
      var version = runs.findVersionToPlan(runId);
      if (version.isEmpty() || version.get().status().terminal()) {
        entries.remove(runId, entry);
        return version.map(ended -> new Snapshot(ended, null, null, Map.of()));
      }
      entry.version = version.get();
      var states = new ArrayList<StepState>(entry.version.steps().size());
      for (int i = 0; i < entry.version.steps().size(); i++) {
        StepVersion step = entry.version.steps().get(i);
        entry.positions.put(step.id(), i);
        states.add(
            new StepState(
                step.id(), step.stepName(), step.dependencies(), step.status(), step.notBefore()));
      }
      entry.state = new RunState(states, System.nanoTime(), previous);
      entry.scope = Scope.of(entry.version);
    }
    if (!entry.stale.isEmpty()) {
      var steps = new ArrayList<>(entry.version.steps());
      for (String stepVersionId : Set.copyOf(entry.stale.keySet())) {
        Mark mark = entry.stale.remove(stepVersionId); // only this thread removes
        Integer position = entry.positions.get(stepVersionId);
        StepProgress progress = position == null ? null : mark.progress();
        // A change that told its progress is planned without a read, unless an older attempt's.
        if (position != null
            && (progress == null || progress.attempt() < steps.get(position).attempt())) {
          progress = runs.findStepProgress(stepVersionId).orElse(null);
        }
        // Only a reset takes a step out of COMPLETE, and its outputs out of the scope: read whole.
        if (progress == null
            || (steps.get(position).status() == StepStatus.COMPLETE
                && progress.status() != StepStatus.COMPLETE)) {
          entry.forgotten = true;
          return current(runId);
        }
        StepVersion fresh = steps.get(position).with(progress);
        steps.set(position, fresh);
        entry.state.update(position, fresh.status(), fresh.notBefore(), mark.nanos());
        entry.scope.completed(fresh, position);
      }
      entry.version = entry.version.withSteps(steps);
    }
    return Optional.of(new Snapshot(entry.version, entry.state, entry.scope, entry.positions));
  }

  /**
   * A step of the run changed in the store, just now. The next read of the run takes {@code
   * progress} as the step's, or reads the step again when it is null or another change of the step
   * came first: two changes' progress, told from two threads, may arrive in either order. Returns
   * whether the run is cached here (planned by this server since it was last read).
   */
  boolean stepChanged(String runId, String stepVersionId, StepProgress progress) {
    Entry entry = entries.get(runId);
    if (entry != null) {
      entry.stale.merge(
          stepVersionId,
          new Mark(System.nanoTime(), progress),
          (first, later) -> new Mark(first.nanos(), null));
    }
    return entry != null;
  }

  /** The run changed in ways the cache does not follow: read it whole when it is next planned. */
  void forget(String runId) {
    Entry entry = entries.get(runId);
    if (entry != null) {
      entry.forgotten = true;
    }
  }

  /** The run ended, or is gone: drop it. */
  void drop(String runId) {
    entries.remove(runId);
  }
}
