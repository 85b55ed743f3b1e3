package dev.penstock.web.run;

import dev.penstock.model.StepStatus;
import dev.penstock.store.StepProgress;
import dev.penstock.web.Formats;
import java.time.Instant;
import java.util.Locale;

/** How a run page words one step: the same on the page and in its live updates. Stateless. */
public final class StepText {
  private StepText() {}

  /** "running", "complete": the status as a CSS class suffix. */
  public static String status(StepProgress step) {
    return step.status().name().toLowerCase(Locale.ROOT);
  }

  /** How long it ran (or has run, while running); empty while it waits or if it never started. */
  public static String duration(StepProgress step, Instant now) {
    if (step.startedAt() == null || step.status() == StepStatus.PENDING) {
      return ""; // a step waiting for a rerun keeps its last attempt's start
    }
    return Formats.duration(step.startedAt(), end(step), now);
  }

  /** The text under a step's name in the graph: "1.2 s", "3.4 s · attempt 2", or null. */
  public static String subtitle(StepProgress step, Instant now) {
    String duration = duration(step, now);
    String attempt = step.attempt() > 1 ? "attempt " + step.attempt() : "";
    if (duration.isEmpty()) {
      return attempt.isEmpty() ? null : attempt;
    }
    return attempt.isEmpty() ? duration : duration + " · " + attempt;
  }

  /**
   * When it ended: null while it runs or waits. A step rerun keeps its old completedAt until it
   * ends again, so only a terminal status counts it.
   */
  public static Instant end(StepProgress step) {
    return step.status().terminal() ? step.completedAt() : null;
  }

  static LiveStep live(StepProgress step, Instant now) {
    return new LiveStep(
        step.id(),
        status(step),
        step.attempt(),
        subtitle(step, now),
        duration(step, now),
        Formats.iso(step.startedAt()),
        Formats.iso(end(step)));
  }
}
