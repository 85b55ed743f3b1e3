package dev.penstock.web;

import dev.penstock.model.PipelineStep;
import java.util.List;

/** Draws a pipeline's steps as a graph. Stateless and thread-safe. */
final class PipelineGraph {
  private PipelineGraph() {}

  /** The SVG of the steps, or null when there are too many to draw. */
  static String draw(List<PipelineStep> steps, PipelineLinks links) {
    return null;
  }
}
