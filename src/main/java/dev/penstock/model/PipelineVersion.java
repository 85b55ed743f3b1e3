package dev.penstock.model;

import java.time.Instant;
import java.util.List;

/** One run of a pipeline. {@code variables} are the merged variables the run started with. */
public record PipelineVersion(
    String id,
    String pipelineId,
    String pipelineName,
    RunStatus status,
    String error,
    List<InputMapping> variables,
    Instant createdAt,
    Instant updatedAt,
    Instant startedAt,
    Instant completedAt,
    List<StepVersion> steps) {}
