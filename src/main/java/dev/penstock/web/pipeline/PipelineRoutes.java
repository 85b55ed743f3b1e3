package dev.penstock.web.pipeline;

import dev.penstock.web.Guard;
import dev.penstock.web.Pages;
import dev.penstock.web.Templates;
import dev.penstock.web.WebUi;
import io.javalin.http.HandlerType;

/**
 * The pipelines' routes: the list of pipelines, a pipeline's page and its forms (start a run, pause
 * or resume the schedule), each behind the session guard (and, for the posts, its CSRF check).
 * Thread-safe.
 */
public final class PipelineRoutes {
  private final PipelineListPage list;
  private final PipelinePage page;
  private final PipelineActions actions;

  public PipelineRoutes(WebUi.Services services, Templates templates, Guard guard) {
    this.list = new PipelineListPage(services, templates);
    this.page = new PipelinePage(services, templates);
    this.actions = new PipelineActions(services, page, guard);
  }

  public void register(Pages pages) {
    pages.add(HandlerType.GET, "/", list::show);
    pages.add(HandlerType.GET, "/pipelines/{pipelineId}", page::show);
    pages.add(HandlerType.POST, "/pipelines/{pipelineId}/run", actions::run);
    pages.add(HandlerType.POST, "/pipelines/{pipelineId}/schedule", actions::schedule);
  }
}
