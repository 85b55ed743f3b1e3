package dev.penstock.api.dto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepAttempt;
import java.util.List;
import java.util.Map;

/** The SDK's PipelineVersion (docs/abacus-api.md §4.3): one run. Extensions: startedAt, trigger. */
public record PipelineVersionResponse(
    String pipelineName,
    String pipelineId,
    String pipelineVersion,
    String createdAt,
    String updatedAt,
    String completedAt,
    String status,
    String error,
    List<PipelineStepVersionResponse> stepVersions,
    CodeSourceResponse codeSource,
    JsonNode pipelineVariableMappings,
    String startedAt,
    String trigger) {

  /** The run with every step version as a run's views show it (see PipelineStepVersionResponse). */
  public static PipelineVersionResponse of(
      PipelineVersion version, Map<String, List<StepAttempt>> attempts) {
    return new PipelineVersionResponse(
        version.pipelineName(),
        version.pipelineId(),
        version.id(),
        Times.iso(version.createdAt()),
        Times.iso(version.updatedAt()),
        Times.iso(version.completedAt()),
        version.status().name(),
        version.error(),
        version.steps().stream()
            .map(
                step ->
                    PipelineStepVersionResponse.inRun(
                        step, attempts.getOrDefault(step.id(), List.of()), List.of()))
            .toList(),
        null,
        Mappings.writeInputs(version.variables()),
        Times.iso(version.startedAt()),
        version.trigger().name());
  }
}
