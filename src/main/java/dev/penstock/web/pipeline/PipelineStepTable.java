package dev.penstock.web.pipeline;

import dev.penstock.model.PipelineStep;
import java.util.List;

/** One page of a pipeline's steps, shown in place of a graph too big to draw. */
public record PipelineStepTable(List<PipelineStep> rows, int page, int pages, int total) {}
