package dev.penstock.api.dto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepVersion;

/**
 * One attempt of a step version (Penstock extension {@code attempts}, newest last): its status,
 * times, error, the inputs it was bound to and the outputs it returned, and why it ended so.
 */
public record StepAttemptResponse(
    int attempt,
    String status,
    String error,
    String outputErrors,
    String failureCause,
    String startedAt,
    String completedAt,
    String reason,
    JsonNode functionVariableMappings,
    JsonNode outputVariableMappings) {

  public static StepAttemptResponse of(StepAttempt attempt) {
    return new StepAttemptResponse(
        attempt.attempt(),
        attempt.status(),
        attempt.error(),
        attempt.outputErrors(),
        attempt.cause() == null ? null : attempt.cause().name(),
        Times.iso(attempt.startedAt()),
        Times.iso(attempt.endedAt()),
        attempt.reason(),
        Mappings.writeInputs(attempt.boundInputs()),
        Mappings.writeOutputs(attempt.outputValues()));
  }

  /** The attempt still running, which has no row of its own until it ends. */
  public static StepAttemptResponse running(StepVersion step) {
    return new StepAttemptResponse(
        step.attempt(),
        step.status().name(),
        null,
        null,
        null,
        Times.iso(step.startedAt()),
        null,
        null,
        Mappings.writeInputs(step.boundInputs()),
        Mappings.writeOutputs(null));
  }
}
