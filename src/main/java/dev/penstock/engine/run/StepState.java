package dev.penstock.engine.run;

import dev.penstock.model.StepStatus;
import java.time.Instant;
import java.util.List;

/**
 * What the planner needs to know of one step in a run; {@code notBefore} (null: no wait) holds a
 * retry back until then.
 */
public record StepState(
    String stepVersionId,
    String name,
    List<String> dependencies,
    StepStatus status,
    Instant notBefore) {

  public StepState(
      String stepVersionId, String name, List<String> dependencies, StepStatus status) {
    this(stepVersionId, name, dependencies, status, null);
  }
}
