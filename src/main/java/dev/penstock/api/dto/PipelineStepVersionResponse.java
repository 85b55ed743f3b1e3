package dev.penstock.api.dto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.Artifact;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * The SDK's PipelineStepVersion (docs/abacus-api.md §4.4). {@code functionVariableMappings} shows
 * the inputs as bound for the run, each with its value; {@code outputVariableMappings} the outputs
 * with theirs; {@code pipelineStepVersionReferences} the artifacts it produced. Penstock
 * extensions: attempt, startedAt, completedAt.
 */
public record PipelineStepVersionResponse(
    String stepName,
    String pipelineStepVersion,
    String pipelineStepId,
    String pipelineId,
    String pipelineVersion,
    String createdAt,
    String updatedAt,
    String status,
    String error,
    String outputErrors,
    String pythonFunctionId,
    JsonNode functionVariableMappings,
    List<String> stepDependencies,
    JsonNode outputVariableMappings,
    String cpuSize,
    int memory,
    int timeout,
    List<PipelineStepVersionReferenceResponse> pipelineStepVersionReferences,
    CodeSourceResponse codeSource,
    int attempt,
    String startedAt,
    String completedAt,
    int retries,
    String nextAttemptAt,
    List<StepAttemptResponse> attempts) {

  /** The step version as describePipelineStepVersion shows it: every attempt with its values. */
  public static PipelineStepVersionResponse of(
      StepVersion step, List<StepAttempt> ended, List<Artifact> artifacts) {
    return of(step, ended, artifacts, true);
  }

  /**
   * The step version as a run's views show it: its attempts without their inputs and outputs, which
   * the step's own mappings already show for the latest attempt.
   */
  public static PipelineStepVersionResponse inRun(
      StepVersion step, List<StepAttempt> ended, List<Artifact> artifacts) {
    return of(step, ended, artifacts, false);
  }

  private static PipelineStepVersionResponse of(
      StepVersion step, List<StepAttempt> ended, List<Artifact> artifacts, boolean attemptValues) {
    var attempts = new ArrayList<StepAttemptResponse>();
    ended.forEach(attempt -> attempts.add(StepAttemptResponse.of(attempt, attemptValues)));
    if (step.status() == StepStatus.RUNNING) {
      attempts.add(StepAttemptResponse.running(step, attemptValues));
    }
    return new PipelineStepVersionResponse(
        step.stepName(),
        step.id(),
        step.pipelineStepId(),
        step.pipelineId(),
        step.pipelineVersionId(),
        Times.iso(step.createdAt()),
        Times.iso(step.updatedAt()),
        step.status().name(),
        step.error(),
        step.outputErrors(),
        step.pythonFunctionId(),
        Mappings.writeInputs(step.boundInputs() != null ? step.boundInputs() : step.inputs()),
        step.dependencies(),
        Mappings.writeOutputs(step.outputValues() != null ? step.outputValues() : step.outputs()),
        step.cpuSize().wire(),
        step.memoryGb(),
        step.timeoutMinutes(),
        artifacts.stream().map(PipelineStepVersionReferenceResponse::of).toList(),
        // The run's snapshot of the modules the step imports: what it really ran with.
        CodeSourceResponse.text(
            step.sourceCode(),
            step.packageRequirements(),
            step.modules() == null ? List.of() : List.copyOf(step.modules().keySet())),
        step.attempt(),
        Times.iso(step.startedAt()),
        Times.iso(step.completedAt()),
        step.retry().retries(),
        Times.iso(step.notBefore()),
        attempts);
  }
}
