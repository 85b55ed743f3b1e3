package dev.penstock.api.dto;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepVersion;

/**
 * One attempt of a step version (Penstock extension {@code attempts}, newest last): its status,
 * times, error, why it ended so, and (in describePipelineStepVersion only) the inputs it was bound
 * to and the outputs it returned. A run's views leave those two out: they would repeat each value
 * once more per attempt, in every step of the run.
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
    @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode functionVariableMappings,
    @JsonInclude(JsonInclude.Include.NON_NULL) JsonNode outputVariableMappings) {

  /** The attempt with its inputs and outputs. */
  public static StepAttemptResponse of(StepAttempt attempt) {
    return of(attempt, true);
  }

  /** The attempt with its inputs and outputs only if {@code withValues}. */
  public static StepAttemptResponse of(StepAttempt attempt, boolean withValues) {
    return new StepAttemptResponse(
        attempt.attempt(),
        attempt.status(),
        attempt.error(),
        attempt.outputErrors(),
        attempt.cause() == null ? null : attempt.cause().name(),
        Times.iso(attempt.startedAt()),
        Times.iso(attempt.endedAt()),
        attempt.reason(),
        withValues ? Mappings.writeInputs(attempt.boundInputs()) : null,
        withValues ? Mappings.writeOutputs(attempt.outputValues()) : null);
  }

  /**
   * The attempt still running, which has no row of its own until it ends; its inputs only if {@code
   * withValues}.
   */
  public static StepAttemptResponse running(StepVersion step, boolean withValues) {
    return new StepAttemptResponse(
        step.attempt(),
        step.status().name(),
        null,
        null,
        null,
        Times.iso(step.startedAt()),
        null,
        null,
        withValues ? Mappings.writeInputs(step.boundInputs()) : null,
        withValues ? Mappings.writeOutputs(null) : null);
  }
}
