package dev.penstock.api;

import dev.penstock.api.dto.Mappings;
import dev.penstock.api.dto.PipelineStepResponse;
import dev.penstock.engine.definition.StepSpec;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PipelineStep;
import java.util.Map;

/** createPipelineStep and friends (docs/abacus-api.md §2.2). Thread-safe. */
final class StepRoutes {
  private final ApiServer.Services services;
  private final Views views;

  StepRoutes(ApiServer.Services services, Views views) {
    this.services = services;
    this.views = views;
  }

  void register(Map<String, ApiMethod> methods) {
    methods.put(
        "createPipelineStep",
        params -> {
          var step =
              services
                  .definitions()
                  .createStep(
                      params.requiredString("pipelineId"),
                      params.requiredString("stepName"),
                      spec(params));
          return views.pipeline(step.pipelineId());
        });
    methods.put(
        "updatePipelineStep",
        params ->
            response(
                services
                    .definitions()
                    .updateStep(params.requiredString("pipelineStepId"), spec(params))));
    methods.put(
        "renamePipelineStep",
        params ->
            response(
                services
                    .definitions()
                    .renameStep(
                        params.requiredString("pipelineStepId"),
                        params.requiredString("stepName"))));
    methods.put(
        "deletePipelineStep",
        params -> {
          services.definitions().deleteStep(params.requiredString("pipelineStepId"));
          return null;
        });
    methods.put(
        "describePipelineStep",
        params -> {
          String id = params.requiredString("pipelineStepId");
          return response(
              services
                  .pipelines()
                  .findStep(id)
                  .orElseThrow(() -> new NotFoundException("Pipeline step not found: " + id)));
        });
    methods.put(
        "describePipelineStepByName",
        params -> {
          String pipelineId = params.requiredString("pipelineId");
          String name = params.requiredString("stepName");
          return response(
              services
                  .pipelines()
                  .findStepByName(pipelineId, name)
                  .orElseThrow(
                      () ->
                          new NotFoundException(
                              "Pipeline step not found: '"
                                  + name
                                  + "' in pipeline "
                                  + pipelineId)));
        });
  }

  private PipelineStepResponse response(PipelineStep step) {
    String pipelineName =
        services
            .pipelines()
            .findPipeline(step.pipelineId())
            .map(pipeline -> pipeline.name())
            .orElse(null);
    return PipelineStepResponse.of(step, pipelineName);
  }

  private static StepSpec spec(Params params) {
    var inputs = params.json("stepInputMappings");
    var outputs = params.json("outputVariableMappings");
    return new StepSpec(
        params.string("functionName"),
        params.string("sourceCode"),
        inputs == null ? null : Mappings.inputs(inputs, "stepInputMappings"),
        outputs == null ? null : Mappings.outputs(outputs, "outputVariableMappings"),
        params.strings("stepDependencies"),
        params.strings("packageRequirements"),
        params.string("cpuSize"),
        params.integer("memory"),
        params.integer("timeout"),
        params.integer("retries"),
        params.number("retryDelay"),
        params.number("retryBackoff"),
        params.string("retryOn"));
  }
}
