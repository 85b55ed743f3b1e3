package dev.penstock.api;

import dev.penstock.api.dto.Mappings;
import dev.penstock.model.NotFoundException;
import java.util.Map;

/** createPipeline and friends (docs/abacus-api.md §2.2). Thread-safe. */
final class PipelineRoutes {
  private final ApiServer.Services services;
  private final Views views;

  PipelineRoutes(ApiServer.Services services, Views views) {
    this.services = services;
    this.views = views;
  }

  void register(Map<String, ApiMethod> methods) {
    methods.put(
        "createPipeline",
        params ->
            views.pipeline(
                services
                    .definitions()
                    .createPipeline(
                        params.requiredString("pipelineName"),
                        params.string("projectId"),
                        params.string("cron"),
                        params.bool("isProd"),
                        params.integer("maxConcurrentRuns"))));
    methods.put("describePipeline", params -> views.pipeline(params.requiredString("pipelineId")));
    methods.put(
        "describePipelineByName",
        params -> {
          String name = params.requiredString("pipelineName");
          return views.pipeline(
              services
                  .pipelines()
                  .findPipelineByName(name)
                  .orElseThrow(() -> new NotFoundException("Pipeline not found: " + name)));
        });
    methods.put(
        "listPipelines",
        params ->
            services.pipelines().listPipelines(params.string("projectId")).stream()
                .map(views::pipeline)
                .toList());
    methods.put(
        "updatePipeline",
        params -> {
          var variables = params.json("pipelineVariableMappings");
          return views.pipeline(
              services
                  .definitions()
                  .updatePipeline(
                      params.requiredString("pipelineId"),
                      params.string("projectId"),
                      variables == null
                          ? null
                          : Mappings.inputs(variables, "pipelineVariableMappings"),
                      params.string("cron"),
                      params.bool("isProd"),
                      params.integer("maxConcurrentRuns")));
        });
    methods.put(
        "renamePipeline",
        params ->
            views.pipeline(
                services
                    .definitions()
                    .renamePipeline(
                        params.requiredString("pipelineId"),
                        params.requiredString("pipelineName"))));
    methods.put(
        "pausePipelineRefreshSchedule",
        params -> views.pipeline(services.schedules().pause(params.requiredString("pipelineId"))));
    methods.put(
        "resumePipelineRefreshSchedule",
        params -> views.pipeline(services.schedules().resume(params.requiredString("pipelineId"))));
    methods.put(
        "unsetPipelineRefreshSchedule",
        params -> views.pipeline(services.schedules().unset(params.requiredString("pipelineId"))));
    methods.put(
        "deletePipeline",
        params -> {
          services.definitions().deletePipeline(params.requiredString("pipelineId"));
          return null;
        });
  }
}
