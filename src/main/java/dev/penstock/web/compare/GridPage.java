package dev.penstock.web.compare;

import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineVersion;
import dev.penstock.store.StepProgress;
import dev.penstock.web.Guard;
import dev.penstock.web.Page;
import dev.penstock.web.Paging;
import dev.penstock.web.Templates;
import dev.penstock.web.WebUi;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /pipelines/{pipelineId}/grid?run=&runs=&offset=&page=}: the runs × steps grid. Reads a
 * page of step names of the shown runs and their statuses in two queries, whatever the size of the
 * runs. The run page includes it as a fragment. Thread-safe.
 */
final class GridPage {
  static final int DEFAULT_RUNS = 20;
  static final int MAX_RUNS = 100;
  static final int ROWS_PER_PAGE = 100;

  /** How far back a run the grid is opened for is looked for, to show the columns around it. */
  static final int RUN_SEARCH = 2_000;

  private static final int BAR_MAX = 40;
  private static final int BAR_MIN = 4;

  private final WebUi.Services services;
  private final Templates templates;

  GridPage(WebUi.Services services, Templates templates) {
    this.services = services;
    this.templates = templates;
  }

  void show(Context ctx) {
    String pipelineId = ctx.pathParam("pipelineId");
    Pipeline pipeline =
        services
            .pipelines()
            .findPipeline(pipelineId)
            .orElseThrow(() -> new NotFoundException("No pipeline " + pipelineId + "."));
    String run = blankToNull(ctx.queryParam("run"));
    if (run != null) {
      PipelineVersion version =
          services
              .overview()
              .version(run)
              .orElseThrow(() -> new NotFoundException("No run " + run + "."));
      if (!version.pipelineId().equals(pipelineId)) {
        throw new InvalidParameterException(
            "The run " + run + " is not a run of the pipeline " + pipeline.name() + ".");
      }
    }
    int width = number(ctx, "runs", DEFAULT_RUNS, 1, MAX_RUNS);
    int offset =
        ctx.queryParam("offset") != null
            ? number(ctx, "offset", 0, 0, Integer.MAX_VALUE)
            : offsetShowing(pipelineId, run, width);
    boolean fragment = ctx.header("HX-Request") != null;
    RunGrid grid = grid(pipeline, run, width, offset, Paging.page(ctx), fragment);
    templates.render(
        ctx,
        fragment ? "grid.jte" : "grid-page.jte",
        Map.of(
            "page",
            new Page(pipeline.name() + " · grid", Guard.session(ctx), "pipelines"),
            "grid",
            grid));
  }

  RunGrid grid(Pipeline pipeline, String run, int width, int offset, int page, boolean fragment) {
    int runCount = services.overview().versionCount(pipeline.id());
    List<PipelineVersion> newestFirst = services.overview().versions(pipeline.id(), offset, width);
    List<PipelineVersion> runs = newestFirst.reversed();
    List<String> ids = runs.stream().map(PipelineVersion::id).toList();
    int stepCount = services.overview().stepNameCount(ids);
    int pages = Math.max(1, (stepCount + ROWS_PER_PAGE - 1) / ROWS_PER_PAGE);
    int shown = Math.min(page, pages);
    List<String> names =
        services.overview().stepNames(ids, (shown - 1) * ROWS_PER_PAGE, ROWS_PER_PAGE);
    Map<String, List<StepProgress>> progress =
        services.overview().stepProgressByVersion(ids, names);
    Map<String, Map<String, StepProgress>> byRunAndName = new HashMap<>();
    progress.forEach(
        (runId, steps) -> {
          var byName = new HashMap<String, StepProgress>();
          steps.forEach(step -> byName.putIfAbsent(step.stepName(), step));
          byRunAndName.put(runId, byName);
        });
    var rows = new ArrayList<RunGrid.Row>();
    for (String name : names) {
      var cells = new ArrayList<RunGrid.Cell>();
      for (String id : ids) {
        cells.add(new RunGrid.Cell(id, byRunAndName.getOrDefault(id, Map.of()).get(name)));
      }
      rows.add(new RunGrid.Row(name, cells));
    }
    return new RunGrid(
        pipeline.id(),
        pipeline.name(),
        columns(runs),
        rows,
        run,
        shown,
        pages,
        stepCount,
        runCount,
        offset,
        width,
        fragment,
        services.clock().instant());
  }

  private List<RunGrid.Column> columns(List<PipelineVersion> runs) {
    var now = services.clock().instant();
    long longest = 1;
    for (PipelineVersion run : runs) {
      longest = Math.max(longest, millis(run, now));
    }
    var columns = new ArrayList<RunGrid.Column>();
    for (PipelineVersion run : runs) {
      int height = (int) (BAR_MIN + (BAR_MAX - BAR_MIN) * millis(run, now) / longest);
      columns.add(new RunGrid.Column(run, height));
    }
    return columns;
  }

  private static long millis(PipelineVersion run, java.time.Instant now) {
    if (run.startedAt() == null) {
      return 0;
    }
    return Math.max(
        0,
        Duration.between(run.startedAt(), run.completedAt() != null ? run.completedAt() : now)
            .toMillis());
  }

  /** Runs to skip from the newest so that {@code run}'s column is shown (near the middle). */
  private int offsetShowing(String pipelineId, String run, int width) {
    if (run == null) {
      return 0;
    }
    int index = services.runs().versionIds(pipelineId, RUN_SEARCH).indexOf(run);
    return index < width ? 0 : index - width / 2;
  }

  /**
   * A whole number from the query, held within bounds; {@code fallback} when missing or malformed.
   */
  private static int number(Context ctx, String name, int fallback, int min, int max) {
    String text = ctx.queryParam(name);
    try {
      return text == null ? fallback : Math.clamp(Long.parseLong(text.strip()), min, max);
    } catch (NumberFormatException malformed) {
      return fallback;
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }
}
