package dev.penstock.engine.run;

import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The planning rules stated plainly, recomputed from scratch for every plan: the oracle {@link
 * RunStateTest} holds the server's incremental {@link RunState} to. Pure: same input, same plan.
 *
 * <p>A PENDING step starts once every upstream is COMPLETE and is skipped once any upstream ended
 * otherwise (the reason names that upstream); skips cascade within one plan. The run finishes when
 * no step is PENDING or RUNNING: FAILED naming the failed steps, CANCELLED if a step was cancelled,
 * COMPLETE otherwise. Thread-safe.
 */
final class ReferencePlanner {

  /** Plans as if every retry were due: for callers that do not wait. */
  Plan plan(List<StepState> steps) {
    return plan(steps, Instant.MAX);
  }

  /** A retry whose notBefore is after {@code now} waits; the plan says when to look again. */
  Plan plan(List<StepState> steps, Instant now) {
    Map<String, StepStatus> effective = new HashMap<>();
    for (StepState step : steps) {
      effective.put(step.name(), step.status());
    }
    var start = new ArrayList<StepState>();
    var skip = new ArrayList<Plan.Skip>();
    // One pass in dependency order lets skips cascade: an upstream is decided before its
    // dependants.
    for (StepState step : dependencyOrder(steps)) {
      if (effective.get(step.name()) != StepStatus.PENDING) {
        continue;
      }
      Optional<String> blocker = firstBlockedUpstream(step, effective);
      if (blocker.isPresent()) {
        String upstream = blocker.get();
        skip.add(
            new Plan.Skip(
                step.stepVersionId(), RunState.skipReason(upstream, effective.get(upstream))));
        effective.put(step.name(), StepStatus.SKIPPED);
      }
    }
    Instant wakeAt = null;
    for (StepState step : steps) {
      if (effective.get(step.name()) == StepStatus.PENDING && upstreamsComplete(step, effective)) {
        if (step.notBefore() != null && step.notBefore().isAfter(now)) {
          wakeAt = wakeAt == null || step.notBefore().isBefore(wakeAt) ? step.notBefore() : wakeAt;
        } else {
          start.add(step);
        }
      }
    }
    var finish = wakeAt == null ? finish(steps, effective, start) : Optional.<Plan.Finish>empty();
    return new Plan(start, skip, finish, Optional.ofNullable(wakeAt), start.size());
  }

  /** Kahn's algorithm; steps on a cycle (rejected when written, so never here) come last. */
  private static List<StepState> dependencyOrder(List<StepState> steps) {
    Map<String, Integer> waiting = new HashMap<>();
    Map<String, List<StepState>> dependants = new HashMap<>();
    var ready = new ArrayDeque<StepState>();
    for (StepState step : steps) {
      waiting.put(step.name(), step.dependencies().size());
      for (String dep : step.dependencies()) {
        dependants.computeIfAbsent(dep, name -> new ArrayList<>()).add(step);
      }
      if (step.dependencies().isEmpty()) {
        ready.add(step);
      }
    }
    var order = new ArrayList<StepState>(steps.size());
    while (!ready.isEmpty()) {
      StepState step = ready.poll();
      order.add(step);
      for (StepState dependant : dependants.getOrDefault(step.name(), List.of())) {
        if (waiting.merge(dependant.name(), -1, Integer::sum) == 0) {
          ready.add(dependant);
        }
      }
    }
    if (order.size() < steps.size()) {
      var placed = new HashSet<>(order);
      for (StepState step : steps) {
        if (!placed.contains(step)) {
          order.add(step);
        }
      }
    }
    return order;
  }

  private static Optional<String> firstBlockedUpstream(
      StepState step, Map<String, StepStatus> effective) {
    for (String dep : step.dependencies()) {
      StepStatus status = effective.get(dep);
      if (status != null && status.terminal() && !status.successful()) {
        return Optional.of(dep);
      }
    }
    return Optional.empty();
  }

  private static boolean upstreamsComplete(StepState step, Map<String, StepStatus> effective) {
    for (String dep : step.dependencies()) {
      if (effective.get(dep) != StepStatus.COMPLETE) {
        return false;
      }
    }
    return true;
  }

  private static Optional<Plan.Finish> finish(
      List<StepState> steps, Map<String, StepStatus> effective, List<StepState> starting) {
    if (!starting.isEmpty()) {
      return Optional.empty();
    }
    var failed = new ArrayList<String>();
    boolean cancelled = false;
    for (StepState step : steps) {
      StepStatus status = effective.get(step.name());
      if (!status.terminal()) {
        return Optional.empty();
      }
      if (status == StepStatus.FAILED) {
        failed.add(step.name());
      }
      cancelled |= status == StepStatus.CANCELLED;
    }
    if (!failed.isEmpty()) {
      String noun = failed.size() == 1 ? "step " : "steps ";
      return Optional.of(
          new Plan.Finish(
              RunStatus.FAILED,
              "Pipeline failed: " + noun + RunState.quoteAll(failed) + " failed"));
    }
    if (cancelled) {
      return Optional.of(new Plan.Finish(RunStatus.CANCELLED, "Pipeline was cancelled"));
    }
    return Optional.of(new Plan.Finish(RunStatus.COMPLETE, null));
  }
}
