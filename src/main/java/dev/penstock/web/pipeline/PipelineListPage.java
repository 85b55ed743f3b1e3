package dev.penstock.web.pipeline;

import dev.penstock.model.PipelineVersion;
import dev.penstock.web.Guard;
import dev.penstock.web.Page;
import dev.penstock.web.Paging;
import dev.penstock.web.Templates;
import dev.penstock.web.WebUi;
import io.javalin.http.Context;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pipelines page ({@code /}): every pipeline with its steps, schedule and latest run, newest
 * activity first, filtered by name, a page at a time. Thread-safe.
 */
final class PipelineListPage {
  static final int PAGE_SIZE = 50;

  private final WebUi.Services services;
  private final Templates templates;

  PipelineListPage(WebUi.Services services, Templates templates) {
    this.services = services;
    this.templates = templates;
  }

  void show(Context ctx) {
    String filter = ctx.queryParam("q") == null ? "" : ctx.queryParam("q").strip();
    int page = Paging.page(ctx);
    var listing = list(filter, page);
    templates.render(
        ctx,
        ctx.header("HX-Request") != null ? "pipeline-rows.jte" : "pipelines.jte",
        Map.of(
            "page",
            new Page("Pipelines", Guard.session(ctx), "pipelines"),
            "listing",
            listing,
            "now",
            services.clock().instant()));
  }

  PipelineListing list(String filter, int page) {
    String needle = filter.toLowerCase(Locale.ROOT);
    Map<String, PipelineVersion> latest = services.overview().latestVersions();
    Map<String, Integer> stepCounts = services.overview().stepCounts();
    List<PipelineRow> matching =
        services.pipelines().listPipelines(null).stream()
            .filter(pipeline -> pipeline.name().toLowerCase(Locale.ROOT).contains(needle))
            .map(
                pipeline ->
                    new PipelineRow(
                        pipeline,
                        stepCounts.getOrDefault(pipeline.id(), 0),
                        latest.get(pipeline.id())))
            .sorted(
                Comparator.comparing(PipelineRow::lastActivity)
                    .reversed()
                    .thenComparing(row -> row.pipeline().name()))
            .toList();
    int pages = Math.max(1, (matching.size() + PAGE_SIZE - 1) / PAGE_SIZE);
    int shown = Math.min(page, pages);
    int from = (shown - 1) * PAGE_SIZE;
    return new PipelineListing(
        matching.subList(from, Math.min(matching.size(), from + PAGE_SIZE)),
        filter,
        shown,
        pages,
        matching.size());
  }
}
