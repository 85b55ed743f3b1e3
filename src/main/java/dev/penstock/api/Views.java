package dev.penstock.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.penstock.api.dto.PipelineResponse;
import dev.penstock.api.dto.PipelineStepVersionResponse;
import dev.penstock.api.dto.PipelineVersionResponse;
import dev.penstock.engine.definition.Warnings;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepVersion;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Assembles the responses that read more than one row. A view that holds runs is {@link Streamed}:
 * each run is read and written one step version at a time, so that a run whose steps each hold a
 * large value never sits in memory whole. What can fail (a missing pipeline or run, the first
 * reads) is checked before the answer opens. Thread-safe.
 */
final class Views {
  private final ApiServer.Services services;
  private final RenderedSteps renderedSteps;

  Views(ApiServer.Services services) {
    this.services = services;
    this.renderedSteps = new RenderedSteps(services.pipelines(), RunJson.WRITER);
  }

  /** The pipeline with its steps and its latest run. */
  Streamed pipeline(Pipeline pipeline) {
    return sink -> writePipeline(sink, pipeline);
  }

  Streamed pipeline(String pipelineId) {
    return pipeline(
        services
            .pipelines()
            .findPipeline(pipelineId)
            .orElseThrow(() -> new NotFoundException("Pipeline not found: " + pipelineId)));
  }

  /** Every pipeline of the project (all when null), each read in its turn. */
  Streamed pipelines(String projectId) {
    return sink -> {
      List<String> ids = services.pipelines().pipelineIds(projectId);
      JsonGenerator json = sink.open();
      json.writeStartArray();
      for (String id : ids) {
        // One deleted since the ids were read is left out.
        var pipeline = services.pipelines().findPipeline(id);
        if (pipeline.isPresent()) {
          writePipeline(() -> json, pipeline.get());
        }
      }
      json.writeEndArray();
    };
  }

  /** The run as it is stored now. */
  Streamed version(String versionId) {
    return sink -> {
      if (!writeVersion(sink, versionId)) {
        throw new NotFoundException("Pipeline version not found: " + versionId);
      }
    };
  }

  /** The pipeline's newest runs, newest first; the caller has checked that it exists. */
  Streamed versions(String pipelineId, int limit) {
    return sink -> {
      List<String> ids = services.runs().versionIds(pipelineId, limit);
      JsonGenerator json = sink.open();
      json.writeStartArray();
      for (String id : ids) {
        writeVersion(() -> json, id); // one deleted since the ids were read is left out
      }
      json.writeEndArray();
    };
  }

  /**
   * A run as runPipeline has just stored it: its steps bound to nothing yet, it is small, and shown
   * as created (PENDING) rather than as the scheduler may already have moved it.
   */
  PipelineVersionResponse created(PipelineVersion version) {
    return PipelineVersionResponse.of(version, Map.of());
  }

  PipelineStepVersionResponse stepVersion(StepVersion step) {
    return PipelineStepVersionResponse.of(
        step, services.runs().attempts(step.id()), services.artifacts().ofStep(step.id()));
  }

  private boolean writeVersion(Streamed.Sink target, String versionId) throws IOException {
    var writer = new RunJson(target);
    services.runs().readVersion(versionId, writer);
    return writer.finish();
  }

  private void writePipeline(Streamed.Sink target, Pipeline pipeline) throws IOException {
    var links = new ModuleLinks(services.moduleStore());
    var steps = renderedSteps.of(pipeline, links);
    var models = steps.stream().map(RenderedSteps.Rendered::step).toList();
    var fields =
        PipelineResponse.of(pipeline, List.of(), null, Warnings.of(pipeline, models), links);
    var latest = services.runs().versionIds(pipeline.id(), 1);
    JsonGenerator json = target.open();
    // The steps and the latest run come last (JSON leaves key order free), each written as is.
    RunJson.startObjectWithout(json, fields, "steps", "latestPipelineVersion");
    json.writeArrayFieldStart("steps");
    for (var step : steps) {
      json.writeRawValue(step.json());
    }
    json.writeEndArray();
    json.writeFieldName("latestPipelineVersion");
    if (latest.isEmpty() || !writeVersion(() -> json, latest.get(0))) {
      json.writeNull();
    }
    json.writeEndObject();
  }
}
