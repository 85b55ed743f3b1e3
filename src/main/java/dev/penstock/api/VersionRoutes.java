package dev.penstock.api;

import dev.penstock.api.dto.Mappings;
import dev.penstock.api.dto.PipelineStepVersionResponse;
import dev.penstock.api.dto.PipelineVersionResponse;
import dev.penstock.api.dto.StepLogsResponse;
import dev.penstock.api.dto.VersionLogsResponse;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepVersion;
import java.util.Map;

/** runPipeline, the run's views and its logs (contract §2). Thread-safe. */
final class VersionRoutes {
  private static final int DEFAULT_LIMIT = 200;

  private final ApiServer.Services services;

  VersionRoutes(ApiServer.Services services) {
    this.services = services;
  }

  void register(Map<String, ApiMethod> methods) {
    methods.put(
        "runPipeline",
        params -> {
          var variables = params.json("pipelineVariableMappings");
          return PipelineVersionResponse.of(
              services
                  .runner()
                  .run(
                      params.requiredString("pipelineId"),
                      variables == null
                          ? null
                          : Mappings.inputs(variables, "pipelineVariableMappings")));
        });
    methods.put(
        "describePipelineVersion",
        params -> PipelineVersionResponse.of(version(params.requiredString("pipelineVersion"))));
    methods.put(
        "listPipelineVersions",
        params -> {
          String pipelineId = params.requiredString("pipelineId");
          Integer limit = params.integer("limit");
          if (limit != null && limit < 1) {
            throw new InvalidParameterException("limit must be at least 1, not " + limit);
          }
          if (services.pipelines().findPipeline(pipelineId).isEmpty()) {
            throw new NotFoundException("Pipeline not found: " + pipelineId);
          }
          return services
              .runs()
              .listVersions(pipelineId, limit == null ? DEFAULT_LIMIT : limit)
              .stream()
              .map(PipelineVersionResponse::of)
              .toList();
        });
    methods.put(
        "describePipelineStepVersion",
        params ->
            PipelineStepVersionResponse.of(
                stepVersion(params.requiredString("pipelineStepVersion"))));
    methods.put(
        "listPipelineVersionLogs",
        params ->
            new VersionLogsResponse(
                version(params.requiredString("pipelineVersion")).steps().stream()
                    .map(this::logs)
                    .toList()));
    methods.put(
        "getStepVersionLogs",
        params -> logs(stepVersion(params.requiredString("pipelineStepVersion"))));
  }

  private StepLogsResponse logs(StepVersion step) {
    return new StepLogsResponse(
        step.stepName(), step.pipelineStepId(), step.id(), services.logs().of(step));
  }

  private PipelineVersion version(String id) {
    return services
        .runs()
        .findVersion(id)
        .orElseThrow(() -> new NotFoundException("Pipeline version not found: " + id));
  }

  private StepVersion stepVersion(String id) {
    return services
        .runs()
        .findStepVersion(id)
        .orElseThrow(() -> new NotFoundException("Pipeline step version not found: " + id));
  }
}
