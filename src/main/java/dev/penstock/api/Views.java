package dev.penstock.api;

import dev.penstock.api.dto.PipelineResponse;
import dev.penstock.api.dto.PipelineStepVersionResponse;
import dev.penstock.api.dto.PipelineVersionResponse;
import dev.penstock.engine.definition.Warnings;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepVersion;

/** Assembles the responses that read more than one row. Thread-safe. */
final class Views {
  private final ApiServer.Services services;

  Views(ApiServer.Services services) {
    this.services = services;
  }

  PipelineResponse pipeline(Pipeline pipeline) {
    var steps = services.pipelines().listSteps(pipeline.id());
    var latest = services.runs().latestVersion(pipeline.id()).map(this::version).orElse(null);
    return PipelineResponse.of(pipeline, steps, latest, Warnings.of(pipeline, steps));
  }

  PipelineVersionResponse version(PipelineVersion version) {
    return PipelineVersionResponse.of(version, services.runs().attemptsOfVersion(version.id()));
  }

  PipelineStepVersionResponse stepVersion(StepVersion step) {
    return PipelineStepVersionResponse.of(step, services.runs().attempts(step.id()));
  }

  PipelineResponse pipeline(String pipelineId) {
    return pipeline(
        services
            .pipelines()
            .findPipeline(pipelineId)
            .orElseThrow(() -> new NotFoundException("Pipeline not found: " + pipelineId)));
  }
}
