package dev.penstock.web.run;

import dev.penstock.web.Guard;
import dev.penstock.web.LiveStreams;
import dev.penstock.web.Pages;
import dev.penstock.web.Templates;
import dev.penstock.web.WebUi;
import io.javalin.http.HandlerType;
import java.util.function.Predicate;

/**
 * The run page's routes: the page, its live stream and its actions, each behind the session guard
 * (and, for the posts, its CSRF check). Thread-safe.
 */
public final class RunRoutes {
  private final RunPage page;
  private final RunEvents events;
  private final RunActions actions;

  public RunRoutes(
      WebUi.Services services,
      Templates templates,
      Guard guard,
      Predicate<String> sessionLive,
      LiveStreams streams) {
    var graphs = new RunGraphs(services.overview());
    this.page = new RunPage(services, templates, graphs);
    this.events = new RunEvents(services, graphs, sessionLive, streams);
    this.actions = new RunActions(services, guard);
  }

  public void register(Pages pages) {
    pages.add(HandlerType.GET, "/runs/{versionId}", page::show);
    pages.add(HandlerType.GET, "/runs/{versionId}/events", events::stream);
    pages.add(HandlerType.POST, "/runs/{versionId}/cancel", actions::cancel);
    pages.add(HandlerType.POST, "/runs/{versionId}/skip-pending", actions::skipPending);
    pages.add(HandlerType.POST, "/runs/{versionId}/rerun-failed", actions::rerunFailed);
    pages.add(HandlerType.POST, "/runs/{versionId}/rerun", actions::rerunStep);
    pages.add(HandlerType.POST, "/runs/{versionId}/rerun-all", actions::rerunAll);
  }
}
