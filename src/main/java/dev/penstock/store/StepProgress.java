package dev.penstock.store;

import dev.penstock.model.StepStatus;
import java.time.Instant;

/** Where one step of a run stands: what a live view of a large run reads again and again. */
public record StepProgress(
    String id,
    String stepName,
    int position,
    StepStatus status,
    int attempt,
    int failures,
    Instant startedAt,
    Instant completedAt,
    Instant updatedAt) {}
