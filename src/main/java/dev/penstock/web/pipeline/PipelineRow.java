package dev.penstock.web.pipeline;

import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineVersion;
import java.time.Instant;

/** One line of the pipelines page. {@code latest} is the newest run, null when it never ran. */
public record PipelineRow(Pipeline pipeline, int stepCount, PipelineVersion latest) {

  /** When something last happened to it: its newest run started, or it was last edited. */
  Instant lastActivity() {
    Instant ran = latest == null ? null : latest.createdAt();
    return ran != null && ran.isAfter(pipeline.updatedAt()) ? ran : pipeline.updatedAt();
  }
}
