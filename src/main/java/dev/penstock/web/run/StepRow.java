package dev.penstock.web.run;

import dev.penstock.store.StepProgress;
import java.util.List;

/** A row of a run's step table: the step, its duration so far and its attempts on the timeline. */
public record StepRow(StepProgress step, String duration, List<TimelineBar> bars) {

  public String status() {
    return StepText.status(step);
  }
}
