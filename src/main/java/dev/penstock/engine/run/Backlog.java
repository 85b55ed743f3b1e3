package dev.penstock.engine.run;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What waits, as the planners last saw it, shown as gauges: steps ready to start but short of a
 * slot ({@code penstock_steps_waiting}), and runs held PENDING by their pipeline's
 * maxConcurrentRuns ({@code penstock_runs_queued}). Each run's figures are replaced at its every
 * plan and dropped when it ends, so they cost a map write per plan and a walk of the open runs per
 * scrape. Thread-safe.
 */
final class Backlog {
  private final Map<String, Integer> waitingForSlots = new ConcurrentHashMap<>();
  private final Set<String> queuedRuns = ConcurrentHashMap.newKeySet();

  Backlog(MeterRegistry registry) {
    Gauge.builder("penstock.steps.waiting", this, Backlog::stepsWaiting)
        .description("Steps ready to start that wait for a slot, as of each run's last plan")
        .register(registry);
    Gauge.builder("penstock.runs.queued", this, Backlog::runsQueued)
        .description("Runs held PENDING because their pipeline runs maxConcurrentRuns already")
        .register(registry);
  }

  /** The run's last plan left {@code steps} ready steps without a slot. */
  void waiting(String runId, int steps) {
    waitingForSlots.put(runId, steps);
  }

  /** The run stays PENDING: its pipeline has as many runs RUNNING as it allows. */
  void queued(String runId) {
    queuedRuns.add(runId);
  }

  void admitted(String runId) {
    queuedRuns.remove(runId);
  }

  /** The run ended or is gone: nothing of it waits any more. */
  void ended(String runId) {
    waitingForSlots.remove(runId);
    queuedRuns.remove(runId);
  }

  double stepsWaiting() {
    long waiting = 0;
    for (int steps : waitingForSlots.values()) {
      waiting += steps;
    }
    return waiting;
  }

  double runsQueued() {
    return queuedRuns.size();
  }
}
