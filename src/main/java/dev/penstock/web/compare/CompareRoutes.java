package dev.penstock.web.compare;

import dev.penstock.web.Pages;
import dev.penstock.web.Templates;
import dev.penstock.web.WebUi;
import io.javalin.http.HandlerType;

/**
 * Runs seen side by side: two runs compared step by step, and the grid of a pipeline's recent runs
 * by step. Each answers an htmx request with a fragment and any other with a whole page.
 * Thread-safe.
 */
public final class CompareRoutes {
  private final ComparePage compare;
  private final GridPage grid;

  public CompareRoutes(WebUi.Services services, Templates templates) {
    this.compare = new ComparePage(services, templates);
    this.grid = new GridPage(services, templates);
  }

  /** Registers every route through {@code pages}, which guards them. */
  public void register(Pages pages) {
    pages.add(HandlerType.GET, "/compare", compare::show);
    pages.add(HandlerType.GET, "/pipelines/{pipelineId}/grid", grid::show);
  }
}
