package dev.penstock.engine;

import dev.penstock.model.RunStatus;
import java.util.List;
import java.util.Optional;

/**
 * What one run does next: steps to start (in position order), steps to skip with their reasons, and
 * whether the run finishes, with which status and error.
 */
public record Plan(List<StepState> start, List<Skip> skip, Optional<Finish> finish) {

  public record Skip(String stepVersionId, String reason) {}

  public record Finish(RunStatus status, String error) {}

  public boolean isEmpty() {
    return start.isEmpty() && skip.isEmpty() && finish.isEmpty();
  }
}
