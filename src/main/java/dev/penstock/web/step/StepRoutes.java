package dev.penstock.web.step;

import dev.penstock.web.LiveStreams;
import dev.penstock.web.Pages;
import dev.penstock.web.Templates;
import dev.penstock.web.WebUi;
import io.javalin.http.HandlerType;

/**
 * A step's views within its run: its panel, its values and its live log. Each answers an htmx
 * request with a fragment and any other with a whole page. Thread-safe.
 */
public final class StepRoutes {
  private final StepPanelPage panel;
  private final StepLogRoutes logs;

  public StepRoutes(WebUi.Services services, Templates templates, LiveStreams streams) {
    this.panel = new StepPanelPage(services, templates);
    this.logs = new StepLogRoutes(services, streams);
  }

  /** Registers every route through {@code pages}, which guards them. */
  public void register(Pages pages) {
    String step = "/runs/{versionId}/steps/{stepVersionId}";
    pages.add(HandlerType.GET, step, panel::show);
    pages.add(HandlerType.GET, step + "/value", panel::value);
    pages.add(HandlerType.GET, step + "/log", logs::chunk);
    pages.add(HandlerType.GET, step + "/log/stream", logs::stream);
  }
}
