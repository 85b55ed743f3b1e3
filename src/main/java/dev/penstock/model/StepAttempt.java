package dev.penstock.model;

import java.time.Instant;
import java.util.List;

/**
 * One ended attempt of a step version, kept when the step is retried, rerun or interrupted. {@code
 * status} is COMPLETE, FAILED, CANCELLED or INTERRUPTED (the server stopped or a reset took the
 * step back while it ran); {@code reason} says why the attempt ended the way it did.
 */
public record StepAttempt(
    int attempt,
    String status,
    FailureCause cause,
    String error,
    String outputErrors,
    List<InputMapping> boundInputs,
    List<OutputMapping> outputValues,
    Instant startedAt,
    Instant endedAt,
    String reason) {}
