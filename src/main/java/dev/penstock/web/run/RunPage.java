package dev.penstock.web.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepStatus;
import dev.penstock.store.StepProgress;
import dev.penstock.web.Guard;
import dev.penstock.web.Page;
import dev.penstock.web.Session;
import dev.penstock.web.Templates;
import dev.penstock.web.WebUi;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The run page ({@code /runs/{versionId}}): a run's header, its graph coloured by step status, a
 * page of its step table with each step's attempts on a timeline, and its actions. Reads the run's
 * steps as light progress rows (no code, inputs or outputs) and only the shown page's attempts, so
 * a run of 10,000 steps renders as fast as the rows can be read. Thread-safe.
 */
final class RunPage {
  private static final Map<String, String> NOTICES =
      Map.of(
          "cancelled", "The run was cancelled.",
          "skipped", "Steps that had not started were skipped.",
          "rerun", "The step was set to run again.",
          "rerun-failed", "The failed steps were set to run again, with their downstream steps.",
          "rerun-all", "Every step was set to run again.");

  private static final ObjectMapper json = new ObjectMapper();

  private final WebUi.Services services;
  private final Templates templates;
  private final RunGraphs graphs;

  RunPage(WebUi.Services services, Templates templates, RunGraphs graphs) {
    this.services = services;
    this.templates = templates;
    this.graphs = graphs;
  }

  void show(Context ctx) {
    String versionId = ctx.pathParam("versionId");
    RunQuery query = RunQuery.of(ctx);
    Instant now = services.clock().instant();
    PipelineVersion run = find(services, versionId);
    List<StepProgress> steps = services.overview().stepProgress(versionId, null);
    var counts = new StatusTally();
    long lastEventId = run.updatedAt().toEpochMilli();
    for (StepProgress step : steps) {
      counts.add(step.status());
      lastEventId = Math.max(lastEventId, step.updatedAt().toEpochMilli());
    }
    StepTable table =
        StepTables.page(steps, query, ids -> services.overview().attemptSpans(versionId, ids), now);
    DrawnGraph graph = graphs.draw(run, steps, query, now);
    Session session = Guard.session(ctx);
    var view =
        new RunView(
            run,
            query,
            counts,
            table,
            graph.svg(),
            graph.note(),
            lastEventId,
            now,
            session.canAct(),
            NOTICES.get(Objects.requireNonNullElse(ctx.queryParam("done"), "")),
            runningJson(steps, graph));
    templates.render(
        ctx,
        "run.jte",
        Map.of(
            "page",
            new Page(
                "Run " + shortId(run.id()) + " of " + run.pipelineName(), session, "pipelines"),
            "view",
            view));
  }

  /** When each running step the graph draws started: bounded by what is drawn. */
  private static String runningJson(List<StepProgress> steps, DrawnGraph graph) {
    var running = json.createObjectNode();
    for (StepProgress step : steps) {
      if (step.status() == StepStatus.RUNNING
          && step.startedAt() != null
          && graph.drawnSteps().contains(step.id())) {
        running.put(step.id(), step.startedAt().toString());
      }
    }
    return running.toString();
  }

  static PipelineVersion find(WebUi.Services services, String versionId) {
    return services
        .overview()
        .version(versionId)
        .orElseThrow(() -> new NotFoundException("No run has the id " + versionId));
  }

  private static String shortId(String id) {
    return id.length() > 8 ? id.substring(0, 8) : id;
  }
}
