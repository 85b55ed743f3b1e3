package dev.penstock.model;

import java.time.Instant;
import java.util.List;

/**
 * One run of a pipeline. {@code variables} are the merged variables the run started with; {@code
 * trigger} says what last set it going; {@code isolation} is its pipeline's when it started (null:
 * the server's default), and so is {@code placement} (never null; {@link StepPlacement#DEFAULT}:
 * where the server's settings say).
 */
public record PipelineVersion(
    String id,
    String pipelineId,
    String pipelineName,
    RunStatus status,
    String error,
    RunTrigger trigger,
    List<InputMapping> variables,
    Instant createdAt,
    Instant updatedAt,
    Instant startedAt,
    Instant completedAt,
    List<StepVersion> steps,
    Isolation isolation,
    StepPlacement placement) {

  public PipelineVersion {
    placement = placement == null ? StepPlacement.DEFAULT : placement;
  }

  /** A run whose steps run where the server's settings say. */
  public PipelineVersion(
      String id,
      String pipelineId,
      String pipelineName,
      RunStatus status,
      String error,
      RunTrigger trigger,
      List<InputMapping> variables,
      Instant createdAt,
      Instant updatedAt,
      Instant startedAt,
      Instant completedAt,
      List<StepVersion> steps,
      Isolation isolation) {
    this(
        id,
        pipelineId,
        pipelineName,
        status,
        error,
        trigger,
        variables,
        createdAt,
        updatedAt,
        startedAt,
        completedAt,
        steps,
        isolation,
        StepPlacement.DEFAULT);
  }

  /** The same run with other step versions (in position order). */
  public PipelineVersion withSteps(List<StepVersion> newSteps) {
    return new PipelineVersion(
        id,
        pipelineId,
        pipelineName,
        status,
        error,
        trigger,
        variables,
        createdAt,
        updatedAt,
        startedAt,
        completedAt,
        List.copyOf(newSteps),
        isolation,
        placement);
  }
}
