package dev.penstock.api;

import dev.penstock.api.dto.PipelineResponse;
import dev.penstock.engine.Warnings;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;

/** Assembles the responses that read more than one row. Thread-safe. */
final class Views {
  private final ApiServer.Services services;

  Views(ApiServer.Services services) {
    this.services = services;
  }

  PipelineResponse pipeline(Pipeline pipeline) {
    var steps = services.pipelines().listSteps(pipeline.id());
    var latest = services.runs().latestVersion(pipeline.id()).orElse(null);
    return PipelineResponse.of(pipeline, steps, latest, Warnings.of(pipeline, steps));
  }

  PipelineResponse pipeline(String pipelineId) {
    return pipeline(
        services
            .pipelines()
            .findPipeline(pipelineId)
            .orElseThrow(() -> new NotFoundException("Pipeline not found: " + pipelineId)));
  }
}
