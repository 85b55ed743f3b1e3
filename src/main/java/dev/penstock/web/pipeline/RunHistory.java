package dev.penstock.web.pipeline;

import dev.penstock.model.PipelineVersion;
import java.util.List;

/** One page of a pipeline's runs, newest first, and where the other pages are. */
public record RunHistory(List<PipelineVersion> runs, int page, int pages, int total) {}
