package dev.penstock.api;

import dev.penstock.api.dto.Mappings;
import dev.penstock.api.dto.StepLogsResponse;
import dev.penstock.api.dto.VersionLogsResponse;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepVersion;
import java.time.Duration;
import java.util.Map;

/** runPipeline, the run's views and its logs (docs/abacus-api.md §2). Thread-safe. */
final class VersionRoutes {
  private static final int DEFAULT_LIMIT = 200;

  /**
   * The longest waitForPipelineVersion answers in, below Jetty's 30 s idle timeout, which would end
   * a connection whose response is late.
   */
  static final int MAX_WAIT_SECONDS = 25;

  private final ApiServer.Services services;
  private final Views views;

  VersionRoutes(ApiServer.Services services, Views views) {
    this.services = services;
    this.views = views;
  }

  void register(Map<String, ApiMethod> methods) {
    methods.put(
        "runPipeline",
        params -> {
          var variables = params.json("pipelineVariableMappings");
          return views.version(
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
        params -> views.version(version(params.requiredString("pipelineVersion"))));
    methods.put(
        "waitForPipelineVersion",
        params -> {
          String versionId = params.requiredString("pipelineVersion");
          Integer timeout = params.integer("timeout");
          if (timeout != null && (timeout < 0 || timeout > MAX_WAIT_SECONDS)) {
            throw new InvalidParameterException(
                "timeout must be from 0 to " + MAX_WAIT_SECONDS + " seconds, not " + timeout);
          }
          var wait = Duration.ofSeconds(timeout == null ? MAX_WAIT_SECONDS : timeout);
          return views.version(services.waits().awaitEnd(versionId, wait));
        });
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
              .map(views::version)
              .toList();
        });
    methods.put(
        "resetPipelineVersion",
        params -> {
          Boolean downstream = params.bool("includeDownstreamSteps");
          return views.version(
              services
                  .control()
                  .reset(
                      params.requiredString("pipelineVersion"),
                      params.strings("steps"),
                      downstream == null || downstream));
        });
    methods.put(
        "skipPendingPipelineVersionSteps",
        params ->
            views.version(
                services.control().skipPending(params.requiredString("pipelineVersion"))));
    methods.put(
        "cancelPipelineVersion",
        params ->
            views.version(services.control().cancel(params.requiredString("pipelineVersion"))));
    methods.put(
        "describePipelineStepVersion",
        params -> views.stepVersion(stepVersion(params.requiredString("pipelineStepVersion"))));
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
