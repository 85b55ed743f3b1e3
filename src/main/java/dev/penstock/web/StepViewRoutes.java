package dev.penstock.web;

import io.javalin.http.Handler;
import java.util.function.BiConsumer;

/**
 * The views of steps across a run and across runs: a step's panel, its values and live log, two
 * runs compared, and the grid of a pipeline's recent runs by step. Every one answers an htmx
 * request with a fragment and any other with a whole page. Thread-safe.
 */
final class StepViewRoutes {
  private final StepPanelPage panel;
  private final StepLogRoutes logs;
  private final ComparePage compare;
  private final GridPage grid;

  StepViewRoutes(WebUi.Services services, Templates templates) {
    this.panel = new StepPanelPage(services, templates);
    this.logs = new StepLogRoutes(services);
    this.compare = new ComparePage(services, templates);
    this.grid = new GridPage(services, templates);
  }

  /** Registers every route through {@code get}, which guards them as pages. */
  void register(BiConsumer<String, Handler> get) {
    String step = "/runs/{versionId}/steps/{stepVersionId}";
    get.accept(step, panel::show);
    get.accept(step + "/value", panel::value);
    get.accept(step + "/log", logs::chunk);
    get.accept(step + "/log/stream", logs::stream);
    get.accept("/compare", compare::show);
    get.accept("/pipelines/{pipelineId}/grid", grid::show);
  }
}
