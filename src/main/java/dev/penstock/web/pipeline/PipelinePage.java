package dev.penstock.web.pipeline;

import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import dev.penstock.web.Guard;
import dev.penstock.web.Page;
import dev.penstock.web.Paging;
import dev.penstock.web.Templates;
import dev.penstock.web.WebUi;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The pipeline page ({@code /pipelines/{pipelineId}}): its steps as a graph (or a paged table when
 * too many to draw), the selected step's panel ({@code ?step=}), the run form and the run history
 * ({@code ?runs=}). htmx asks for the step panel or the history alone, naming it in HX-Target.
 * Thread-safe.
 */
final class PipelinePage {
  static final int RUNS_PAGE_SIZE = 20;
  static final int STEPS_PAGE_SIZE = 100;
  static final String STEP_PANEL = "step-panel";
  static final String RUN_HISTORY = "run-history";

  private final WebUi.Services services;
  private final Templates templates;

  PipelinePage(WebUi.Services services, Templates templates) {
    this.services = services;
    this.templates = templates;
  }

  void show(Context ctx) {
    render(ctx, 200, null);
  }

  /** Renders the page, or the fragment htmx asked for, with {@code form} (null: prefilled). */
  void render(Context ctx, int status, RunForm form) {
    Pipeline pipeline = pipeline(ctx.pathParam("pipelineId"));
    var links = links(ctx, pipeline.id());
    String target = ctx.header("HX-Request") != null ? ctx.header("HX-Target") : null;
    String template =
        switch (target == null ? "" : target) {
          case STEP_PANEL -> "pipeline-step.jte";
          case RUN_HISTORY -> "pipeline-runs.jte";
          default -> "pipeline.jte";
        };
    boolean whole = template.equals("pipeline.jte");
    // A fragment reads only what it shows: no graph layout to open one step's panel.
    List<PipelineStep> steps =
        whole || template.equals("pipeline-step.jte")
            ? services.pipelines().listSteps(pipeline.id())
            : List.of();
    PipelineStep step = links.step() == null ? null : find(steps, links.step());
    var view =
        new PipelineView(
            pipeline,
            steps.size(),
            whole ? PipelineGraph.draw(steps, links) : null,
            whole ? stepTable(steps, links.stepsPage()) : null,
            step == null ? null : StepDetails.of(pipeline, steps, step),
            links.step() != null && step == null
                ? "This pipeline has no step named \u201c" + links.step() + "\u201d."
                : null,
            form != null ? form : RunForm.prefilled(pipeline),
            whole || template.equals("pipeline-runs.jte")
                ? history(pipeline.id(), links.runsPage())
                : null,
            links,
            services.clock().instant());
    if (!whole) {
      // The graph's links are plain <a> elements in SVG, which htmx cannot boost; the page's
      // script loads their fragment, and this header keeps the address bar in step with it.
      ctx.header("HX-Push-Url", links.self());
    }
    var params = new HashMap<String, Object>();
    params.put("page", new Page(pipeline.name(), Guard.session(ctx), "pipelines"));
    params.put("view", view);
    templates.render(ctx, status, template, params);
  }

  Pipeline pipeline(String pipelineId) {
    return services
        .pipelines()
        .findPipeline(pipelineId)
        .orElseThrow(() -> new NotFoundException("No pipeline has the id " + pipelineId + "."));
  }

  private static PipelineLinks links(Context ctx, String pipelineId) {
    String step = ctx.queryParam("step");
    var expanded = new LinkedHashSet<String>();
    for (String group : ctx.queryParams("expand")) {
      if (!group.isBlank()) {
        expanded.add(group.strip());
      }
    }
    return new PipelineLinks(
        pipelineId,
        step == null || step.isBlank() ? null : step.strip(),
        List.copyOf(expanded),
        Paging.page(ctx, "steps"),
        Paging.page(ctx, "runs"));
  }

  /** The step named {@code nameOrId}, or with that id; null when the pipeline has neither. */
  private static PipelineStep find(List<PipelineStep> steps, String nameOrId) {
    PipelineStep byId = null;
    for (PipelineStep step : steps) {
      if (step.name().equals(nameOrId)) {
        return step;
      }
      if (step.id().equals(nameOrId)) {
        byId = step;
      }
    }
    return byId;
  }

  private static PipelineStepTable stepTable(List<PipelineStep> steps, int page) {
    int pages = Math.max(1, (steps.size() + STEPS_PAGE_SIZE - 1) / STEPS_PAGE_SIZE);
    int shown = Math.min(page, pages);
    int from = (shown - 1) * STEPS_PAGE_SIZE;
    return new PipelineStepTable(
        steps.subList(from, Math.min(steps.size(), from + STEPS_PAGE_SIZE)),
        shown,
        pages,
        steps.size());
  }

  private RunHistory history(String pipelineId, int page) {
    int total = services.overview().versionCount(pipelineId);
    int pages = Math.max(1, (total + RUNS_PAGE_SIZE - 1) / RUNS_PAGE_SIZE);
    int shown = Math.min(page, pages);
    var runs =
        services.overview().versions(pipelineId, (shown - 1) * RUNS_PAGE_SIZE, RUNS_PAGE_SIZE);
    return new RunHistory(runs, shown, pages, total);
  }
}
