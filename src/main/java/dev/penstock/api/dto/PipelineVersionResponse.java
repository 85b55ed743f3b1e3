package dev.penstock.api.dto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.PipelineVersion;
import java.util.List;

/** The SDK's PipelineVersion (contract §4.3): one run. Extensions: startedAt, trigger. */
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

  public static PipelineVersionResponse of(PipelineVersion version) {
    return new PipelineVersionResponse(
        version.pipelineName(),
        version.pipelineId(),
        version.id(),
        Times.iso(version.createdAt()),
        Times.iso(version.updatedAt()),
        Times.iso(version.completedAt()),
        version.status().name(),
        version.error(),
        version.steps().stream().map(PipelineStepVersionResponse::of).toList(),
        null,
        Mappings.writeInputs(version.variables()),
        Times.iso(version.startedAt()),
        version.trigger().name());
  }
}
