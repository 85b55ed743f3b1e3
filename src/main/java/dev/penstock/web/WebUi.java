package dev.penstock.web;

import dev.penstock.engine.access.ApiKeys;
import dev.penstock.engine.artifact.Artifacts;
import dev.penstock.engine.attempt.StepLogs;
import dev.penstock.engine.cron.Schedules;
import dev.penstock.engine.run.RunControl;
import dev.penstock.engine.run.Runs;
import dev.penstock.store.PipelineStore;
import dev.penstock.store.RunOverview;
import dev.penstock.store.RunStore;
import dev.penstock.web.compare.CompareRoutes;
import dev.penstock.web.pipeline.PipelineRoutes;
import dev.penstock.web.run.RunRoutes;
import dev.penstock.web.step.StepRoutes;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.staticfiles.Location;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The web UI, served at {@code /} beside the API on its port: pages rendered on the server from the
 * same engine and stores the API uses. Signing in with an API key opens a session (an HTTP-only
 * cookie); every page needs one, and every form post carries the session's CSRF token. Thread-safe.
 */
public final class WebUi implements Consumer<JavalinConfig> {
  private static final Duration STREAMS_STOP_WAIT = Duration.ofSeconds(3);

  /** What the pages read and act through: the API's own objects. */
  public record Services(
      PipelineStore pipelines,
      RunStore runs,
      RunOverview overview,
      ApiKeys apiKeys,
      Runs runner,
      RunControl control,
      Schedules schedules,
      StepLogs logs,
      InstantSource clock,
      Artifacts artifacts) {}

  private final Services services;
  private final Sessions sessions;
  private final Templates templates = new Templates();
  private final Guard guard;
  private final LiveStreams streams = new LiveStreams();

  public WebUi(Services services) {
    this.services = services;
    this.sessions = new Sessions(services.apiKeys(), services.clock());
    this.guard = new Guard(sessions, templates);
  }

  @Override
  public void accept(JavalinConfig config) {
    config.staticFiles.enableWebjars();
    config.staticFiles.add(
        files -> {
          files.hostedPath = "/static";
          files.directory = "/web/static";
          files.location = Location.CLASSPATH;
          files.headers = Map.of("Cache-Control", "max-age=300");
        });
    new SignInRoutes(sessions, templates).register(config);
    Pages pages = (verb, path, handler) -> page(config, verb, path, handler);
    new PipelineRoutes(services, templates, guard).register(pages);
    new RunRoutes(services, templates, guard, id -> sessions.find(id).isPresent(), streams)
        .register(pages);
    new StepRoutes(services, templates, streams).register(pages);
    // Before Jetty stops: a stream must return while its exchange still exists.
    config.events.serverStopping(() -> streams.stop(STREAMS_STOP_WAIT));
    new CompareRoutes(services, templates).register(pages);
  }

  /** Answers a browser's request for a path nobody serves, in HTML. */
  public void notFound(Context ctx) {
    guard.notFound(ctx, "No page at " + ctx.path());
  }

  /** A route that needs a signed-in session; a post also needs the session's CSRF token. */
  private void page(JavalinConfig config, HandlerType verb, String path, Handler handler) {
    config.routes.addHttpHandler(verb, path, ctx -> guard.signedIn(ctx, verb, handler));
  }
}
