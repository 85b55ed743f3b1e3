package dev.penstock.model;

import java.time.Instant;
import java.util.List;

/**
 * One step of a pipeline: its code, input and output mappings live in its own {@link
 * PythonFunction}; {@code dependencies} are names of steps in the same pipeline.
 */
public record PipelineStep(
    String id,
    String pipelineId,
    String name,
    PythonFunction function,
    List<String> dependencies,
    CpuSize cpuSize,
    int memoryGb,
    int timeoutMinutes,
    StepRetry retry,
    Instant createdAt,
    Instant updatedAt) {

  public static final int DEFAULT_MEMORY_GB = 16;
  public static final int DEFAULT_TIMEOUT_MINUTES = 300;
}
