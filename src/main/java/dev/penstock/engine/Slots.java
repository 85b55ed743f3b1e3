package dev.penstock.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The server-wide limit on steps running at once, in slots (a step takes as many as its cpuSize
 * asks, capped at the limit). Runs that found no free slot wait here, oldest first, and are handed
 * back when slots free up. Thread-safe.
 */
final class Slots {
  private final int limit;
  private int used;
  private final LinkedHashSet<String> waitingRuns = new LinkedHashSet<>();

  Slots(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the parallel limit must be at least 1, not " + limit);
    }
    this.limit = limit;
  }

  int weightOf(int requested) {
    return Math.min(Math.max(requested, 1), limit);
  }

  /** Takes {@code weight} slots, or registers the run as waiting and returns false. */
  synchronized boolean tryAcquire(int weight, String runId) {
    if (used + weight <= limit) {
      used += weight;
      return true;
    }
    waitingRuns.add(runId);
    return false;
  }

  /** Frees slots and returns the runs that waited, oldest first, for the caller to wake. */
  synchronized List<String> release(int weight) {
    used -= weight;
    var woken = new ArrayList<>(waitingRuns);
    waitingRuns.clear();
    return woken;
  }

  synchronized int used() {
    return used;
  }
}
