package dev.penstock.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One step in one run: a snapshot of the step's definition taken when the run was accepted, plus
 * its state. {@code attempt} is the fencing token: each claim raises it. {@code boundInputs} are
 * the input mappings with the values passed to the function (null until bound); {@code outputs}
 * carry the returned values (null until the step completes). {@code modules} are the Python modules
 * its code imports, name to source, as they were when the run started. {@code failures} counts
 * failed attempts that were retried; {@code notBefore} is when a waiting retry may start (null: at
 * once).
 */
public record StepVersion(
    String id,
    String pipelineVersionId,
    String pipelineId,
    String pipelineStepId,
    String stepName,
    int position,
    String pythonFunctionId,
    String functionName,
    String sourceCode,
    List<InputMapping> inputs,
    List<OutputMapping> outputs,
    List<String> dependencies,
    List<String> packageRequirements,
    Map<String, String> modules,
    CpuSize cpuSize,
    int memoryGb,
    int timeoutMinutes,
    StepRetry retry,
    StepStatus status,
    int attempt,
    String claimedBy,
    List<InputMapping> boundInputs,
    List<OutputMapping> outputValues,
    String outputErrors,
    String error,
    FailureCause failureCause,
    int failures,
    Instant notBefore,
    Instant createdAt,
    Instant updatedAt,
    Instant startedAt,
    Instant completedAt) {

  /** This step as it stands after {@code progress}; bound inputs stay as they were. */
  public StepVersion with(StepProgress progress) {
    return new StepVersion(
        id,
        pipelineVersionId,
        pipelineId,
        pipelineStepId,
        stepName,
        position,
        pythonFunctionId,
        functionName,
        sourceCode,
        inputs,
        outputs,
        dependencies,
        packageRequirements,
        modules,
        cpuSize,
        memoryGb,
        timeoutMinutes,
        retry,
        progress.status(),
        progress.attempt(),
        progress.claimedBy(),
        boundInputs,
        progress.outputValues(),
        progress.outputErrors(),
        progress.error(),
        progress.failureCause(),
        progress.failures(),
        progress.notBefore(),
        createdAt,
        progress.updatedAt(),
        progress.startedAt(),
        progress.completedAt());
  }
}
