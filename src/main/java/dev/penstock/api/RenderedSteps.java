package dev.penstock.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.penstock.api.dto.ModuleDependencies;
import dev.penstock.api.dto.PipelineStepResponse;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import dev.penstock.store.PipelineStore;
import dev.penstock.store.StepStamp;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline's steps as the wire shows them (the SDK's PipelineStep), each read and rendered once
 * per state. The contract's Pipeline repeats every step in every answer about it,
 * createPipelineStep's among them, so defining N steps one call at a time would otherwise read and
 * render N²/2 steps. A light read of the steps' stamps tells the unchanged ones, kept here, from
 * the others, read again. Thread-safe.
 */
final class RenderedSteps {
  /** A step and its JSON, which keeps its UTF-8 bytes once written: later answers copy them. */
  record Rendered(PipelineStep step, SerializableString json) {}

  private record Entry(
      PipelineStep step, String pipelineName, List<String> modules, SerializableString json) {}

  // Past this many changed steps, one read of them all costs less than a read each.
  private static final int READ_ONE_BY_ONE = 8;
  // About the bytes kept: a step's JSON as text and as bytes, and as much again in its step.
  private static final long MAX_WEIGHT = 32L << 20;

  private final PipelineStore pipelines;
  private final ObjectWriter writer;
  private final Cache<StepStamp, Entry> kept =
      CacheBuilder.newBuilder()
          .maximumWeight(MAX_WEIGHT)
          .<StepStamp, Entry>weigher((stamp, entry) -> 3 * entry.json().charLength())
          .build();

  RenderedSteps(PipelineStore pipelines, ObjectWriter writer) {
    this.pipelines = pipelines;
    this.writer = writer;
  }

  /** The pipeline's steps in creation order, as stored now. */
  List<Rendered> of(Pipeline pipeline, ModuleDependencies modules) {
    List<StepStamp> stamps = pipelines.stepStamps(pipeline.id());
    var entries = new ArrayList<Entry>(stamps.size());
    int changed = 0;
    for (StepStamp stamp : stamps) {
      Entry entry = kept.getIfPresent(stamp);
      entries.add(entry);
      changed += entry == null ? 1 : 0;
    }
    Map<String, PipelineStep> read = changed > READ_ONE_BY_ONE ? readAll(pipeline) : null;
    var steps = new ArrayList<Rendered>(stamps.size());
    for (int i = 0; i < stamps.size(); i++) {
      StepStamp stamp = stamps.get(i);
      Entry entry = entries.get(i);
      PipelineStep step =
          entry != null
              ? entry.step()
              : read != null
                  ? read.get(stamp.stepId())
                  : pipelines.findStep(stamp.stepId()).orElse(null);
      if (step == null) {
        continue; // deleted since its stamp was read
      }
      List<String> imported = modules.of(step.function().sourceCode());
      if (entry == null
          || !entry.pipelineName().equals(pipeline.name())
          || !entry.modules().equals(imported)) {
        entry = new Entry(step, pipeline.name(), imported, render(step, pipeline.name(), imported));
        // A step read after its stamp is as new as the stamp says or newer: never older.
        kept.put(stamp, entry);
      }
      steps.add(new Rendered(step, entry.json()));
    }
    return steps;
  }

  private Map<String, PipelineStep> readAll(Pipeline pipeline) {
    var byId = new HashMap<String, PipelineStep>();
    pipelines.listSteps(pipeline.id()).forEach(step -> byId.put(step.id(), step));
    return byId;
  }

  private SerializableString render(PipelineStep step, String pipelineName, List<String> imported) {
    try {
      return new SerializedString(
          writer.writeValueAsString(
              PipelineStepResponse.of(step, pipelineName, source -> imported)));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
