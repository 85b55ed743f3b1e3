package dev.penstock.web.pipeline;

import java.util.List;

/** The pipelines page as shown: this page's rows, the filter, and where the other pages are. */
public record PipelineListing(
    List<PipelineRow> rows, String filter, int page, int pages, int matching) {}
