package dev.penstock.web.step;

import dev.penstock.web.LiveStreams;
import dev.penstock.web.Pages;
import dev.penstock.web.Templates;
import dev.penstock.web.WebUi;
import io.javalin.http.HandlerType;

/**
 * A step's views within its run: its panel, its values, its live log and its artifacts' files. Each
 * page answers an htmx request with a fragment and any other with a whole page. Thread-safe.
 */
public final class StepRoutes {
  private final StepPanelPage panel;
  private final StepLogRoutes logs;
  private final ArtifactDownloads artifacts;

  public StepRoutes(WebUi.Services services, Templates templates, LiveStreams streams) {
    this.panel = new StepPanelPage(services, templates);
    this.logs = new StepLogRoutes(services, streams);
    this.artifacts = new ArtifactDownloads(services);
  }

  /** Registers every route through {@code pages}, which guards them. */
  public void register(Pages pages) {
    String step = "/runs/{versionId}/steps/{stepVersionId}";
    pages.add(HandlerType.GET, step, panel::show);
    pages.add(HandlerType.GET, step + "/value", panel::value);
    pages.add(HandlerType.GET, step + "/log", logs::chunk);
    pages.add(HandlerType.GET, step + "/log/stream", logs::stream);
    pages.add(HandlerType.GET, "/runs/{versionId}/artifacts/{artifactId}", artifacts::download);
  }
}
