package dev.penstock.api.dto;

import dev.penstock.model.PipelineStep;
import java.util.List;

/**
 * The SDK's PipelineStep (docs/abacus-api.md §4.2). Extensions: retries, retryDelay (seconds),
 * retryBackoff, retryOn (ANY or TIMEOUT).
 */
public record PipelineStepResponse(
    String pipelineStepId,
    String pipelineId,
    String stepName,
    String pipelineName,
    String createdAt,
    String updatedAt,
    String pythonFunctionId,
    List<String> stepDependencies,
    String cpuSize,
    int memory,
    int timeout,
    PythonFunctionResponse pythonFunction,
    CodeSourceResponse codeSource,
    int retries,
    double retryDelay,
    double retryBackoff,
    String retryOn) {

  public static PipelineStepResponse of(
      PipelineStep step, String pipelineName, ModuleDependencies dependencies) {
    var function = step.function();
    return new PipelineStepResponse(
        step.id(),
        step.pipelineId(),
        step.name(),
        pipelineName,
        Times.iso(step.createdAt()),
        Times.iso(step.updatedAt()),
        function.id(),
        step.dependencies(),
        step.cpuSize().wire(),
        step.memoryGb(),
        step.timeoutMinutes(),
        PythonFunctionResponse.of(function, dependencies),
        CodeSourceResponse.text(
            function.sourceCode(),
            function.packageRequirements(),
            dependencies.of(function.sourceCode())),
        step.retry().retries(),
        step.retry().delaySeconds(),
        step.retry().backoff(),
        step.retry().retryOn().name());
  }
}
