package dev.penstock.web.run;

import dev.penstock.model.StepStatus;
import dev.penstock.web.Formats;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How many steps are in each status: a run's counts, or a fan-out group's. Written in the order the
 * graph's groups use, most telling first (running, failed, pending, cancelled, skipped, complete),
 * so a group's subtitle reads the same whether the page drew it or the live stream rewrote it. Not
 * thread-safe.
 */
public final class StatusTally {
  static final List<StepStatus> MOST_TELLING_FIRST =
      List.of(
          StepStatus.RUNNING,
          StepStatus.FAILED,
          StepStatus.PENDING,
          StepStatus.CANCELLED,
          StepStatus.SKIPPED,
          StepStatus.COMPLETE);

  private final EnumMap<StepStatus, Integer> counts = new EnumMap<>(StepStatus.class);

  void add(StepStatus status) {
    counts.merge(status, 1, Integer::sum);
  }

  void remove(StepStatus status) {
    counts.computeIfPresent(status, (key, count) -> count <= 1 ? null : count - 1);
  }

  public int count(StepStatus status) {
    return counts.getOrDefault(status, 0);
  }

  public int total() {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** Every status with its count, zeros included, in the enum's order: what a header shows. */
  public Map<StepStatus, Integer> all() {
    var all = new EnumMap<StepStatus, Integer>(StepStatus.class);
    for (StepStatus status : StepStatus.values()) {
      all.put(status, count(status));
    }
    return all;
  }

  /** The most telling status present, lower case ("running"), or null when there is none. */
  public String mostTelling() {
    for (StepStatus status : MOST_TELLING_FIRST) {
      if (count(status) > 0) {
        return status.name().toLowerCase(Locale.ROOT);
      }
    }
    return null;
  }

  /** "998 running · 9,000 complete": the statuses present, most telling first. */
  public String summary() {
    var parts = new ArrayList<String>();
    for (StepStatus status : MOST_TELLING_FIRST) {
      if (count(status) > 0) {
        parts.add(Formats.count(count(status)) + " " + status.name().toLowerCase(Locale.ROOT));
      }
    }
    return String.join(" · ", parts);
  }
}
