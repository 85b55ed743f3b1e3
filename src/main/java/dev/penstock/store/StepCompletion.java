package dev.penstock.store;

import dev.penstock.model.FailureCause;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.StepStatus;
import java.time.Instant;
import java.util.List;

/**
 * The end of one attempt of a step: COMPLETE with outputs, or FAILED with an error and a cause.
 * {@code outputs} may be null (nothing returned); {@code outputErrors} and {@code cause} are null
 * on success.
 */
public record StepCompletion(
    String stepVersionId,
    int attempt,
    StepStatus status,
    List<OutputMapping> outputs,
    String outputErrors,
    String error,
    FailureCause cause,
    Instant at) {}
