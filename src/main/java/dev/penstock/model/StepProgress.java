package dev.penstock.model;

import java.time.Instant;
import java.util.List;

/**
 * The part of a {@link StepVersion} that changes while its run goes on: its status, attempt and
 * claim, its outcome and its times. Everything else is fixed when the run is accepted, so a planner
 * that holds the step already reads only this when the step changes.
 */
public record StepProgress(
    StepStatus status,
    int attempt,
    String claimedBy,
    List<OutputMapping> outputValues,
    String outputErrors,
    String error,
    FailureCause failureCause,
    int failures,
    Instant notBefore,
    Instant updatedAt,
    Instant startedAt,
    Instant completedAt) {}
