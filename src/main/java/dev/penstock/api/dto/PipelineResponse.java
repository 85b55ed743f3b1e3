package dev.penstock.api.dto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.StepPlacement;
import java.util.List;

/**
 * The SDK's Pipeline (docs/abacus-api.md §4.1), with its steps and latest version. nextRunTime is
 * null while the schedule is paused (docs/abacus-api.md §2.2, PROPOSED) or there is none.
 * Extensions: maxConcurrentRuns (null: no limit), isolation (run, step or process; null: the
 * server's default), executor (local or kubernetes; null: the server's --executor) and stepImage
 * (the container image of its steps on Kubernetes; null: the server's --kubernetes-image).
 */
public record PipelineResponse(
    String pipelineName,
    String pipelineId,
    String createdAt,
    String notebookId,
    String cron,
    String nextRunTime,
    boolean isProd,
    String warning,
    String createdBy,
    List<PipelineStepResponse> steps,
    List<Object> pipelineReferences,
    PipelineVersionResponse latestPipelineVersion,
    CodeSourceResponse codeSource,
    JsonNode pipelineVariableMappings,
    Integer maxConcurrentRuns,
    String isolation,
    String executor,
    String stepImage) {

  public static PipelineResponse of(
      Pipeline pipeline,
      List<PipelineStep> steps,
      PipelineVersionResponse latest,
      String warning,
      ModuleDependencies dependencies) {
    StepPlacement.Executor executor = pipeline.placement().executor();
    return new PipelineResponse(
        pipeline.name(),
        pipeline.id(),
        Times.iso(pipeline.createdAt()),
        null,
        pipeline.cron(),
        pipeline.schedulePaused() ? null : Times.iso(pipeline.nextRunAt()),
        pipeline.isProd(),
        warning,
        null,
        steps.stream()
            .map(step -> PipelineStepResponse.of(step, pipeline.name(), dependencies))
            .toList(),
        List.of(),
        latest,
        null,
        Mappings.writeInputs(pipeline.variables()),
        pipeline.maxConcurrentRuns(),
        pipeline.isolation() == null ? null : pipeline.isolation().wireName(),
        executor == null ? null : executor.wireName(),
        pipeline.placement().image());
  }
}
