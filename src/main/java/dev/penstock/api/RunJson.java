package dev.penstock.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.filter.FilteringGeneratorDelegate;
import com.fasterxml.jackson.core.filter.TokenFilter;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.penstock.api.dto.PipelineStepVersionResponse;
import dev.penstock.api.dto.PipelineVersionResponse;
import dev.penstock.model.Artifact;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepVersion;
import dev.penstock.store.VersionReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes a run's view (the SDK's PipelineVersion) as the store reads it, one step version at a
 * time, through the same wire records as every other answer, so the two cannot differ: the run's
 * own fields, then {@code stepVersions} last (JSON leaves key order free, and the SDK reads keys by
 * name). Not thread-safe; one per run written.
 */
final class RunJson implements VersionReader {
  // FLUSH_AFTER_WRITE_VALUE would flush the response, a network write, after every step.
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final ObjectWriter WRITER =
      MAPPER.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);

  private final Streamed.Sink target;
  private JsonGenerator json;
  private Map<String, List<Artifact>> artifacts = Map.of();

  /** A writer that opens {@code target} when the run turns out to exist. */
  RunJson(Streamed.Sink target) {
    this.target = target;
  }

  @Override
  public void version(PipelineVersion version) {
    try {
      json = target.open();
      startObjectWithout(json, PipelineVersionResponse.of(version, Map.of()), "stepVersions");
      json.writeArrayFieldStart("stepVersions");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void artifacts(List<Artifact> all) {
    artifacts = all.stream().collect(Collectors.groupingBy(Artifact::stepVersionId));
  }

  @Override
  public void step(StepVersion step, List<StepAttempt> attempts) {
    try {
      WRITER.writeValue(
          json,
          PipelineStepVersionResponse.inRun(
              step, attempts, artifacts.getOrDefault(step.id(), List.of())));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Ends the run's object; false, having written nothing, if the store found no such run. */
  boolean finish() throws IOException {
    if (json == null) {
      return false;
    }
    json.writeEndArray();
    json.writeEndObject();
    return true;
  }

  /**
   * Starts an object with every field of {@code record} but those {@code left}, which the caller
   * writes next, as it reads them, before ending the object. Written straight to {@code json},
   * without a tree of the record in between: a pipeline of 10,000 steps is megabytes of fields.
   */
  static void startObjectWithout(JsonGenerator json, Record record, String... left)
      throws IOException {
    var without =
        new FilteringGeneratorDelegate(
            new LeftOpen(json),
            new Without(left),
            TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH,
            true);
    WRITER.writeValue(without, record);
  }

  /** Every property but those left at the top level, everything below them. */
  private static final class Without extends TokenFilter {
    private final Set<String> left;

    Without(String... left) {
      this.left = Set.of(left);
    }

    @Override
    public TokenFilter includeProperty(String name) {
      return left.contains(name) ? null : TokenFilter.INCLUDE_ALL;
    }
  }

  /** Passes everything on but the end of the outermost object, which its caller writes later. */
  private static final class LeftOpen extends JsonGeneratorDelegate {
    private int depth;

    LeftOpen(JsonGenerator json) {
      super(json, false);
    }

    @Override
    public void writeStartObject() throws IOException {
      depth++;
      super.writeStartObject();
    }

    @Override
    public void writeStartObject(Object forValue) throws IOException {
      depth++;
      super.writeStartObject(forValue);
    }

    @Override
    public void writeStartObject(Object forValue, int size) throws IOException {
      depth++;
      super.writeStartObject(forValue, size);
    }

    @Override
    public void writeEndObject() throws IOException {
      if (--depth > 0) {
        super.writeEndObject();
      }
    }
  }
}
