package dev.penstock.engine.run;

import dev.penstock.model.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one run does next: steps to start (in position order), steps to skip with their reasons,
 * whether the run finishes (with which status and error), and when to plan again for a retry that
 * is not due yet. {@code ready} counts the steps that could start now, those in {@code start} and
 * those left out because the plan was asked for fewer: what waits for a slot.
 */
public record Plan(
    List<StepState> start,
    List<Skip> skip,
    Optional<Finish> finish,
    Optional<Instant> wakeAt,
    int ready) {

  public Plan(List<StepState> start, List<Skip> skip, Optional<Finish> finish) {
    this(start, skip, finish, Optional.empty(), start.size());
  }

  public record Skip(String stepVersionId, String reason) {}

  public record Finish(RunStatus status, String error) {}

  public boolean isEmpty() {
    return start.isEmpty() && skip.isEmpty() && finish.isEmpty() && wakeAt.isEmpty();
  }
}
