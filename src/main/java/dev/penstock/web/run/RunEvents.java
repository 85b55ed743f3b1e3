package dev.penstock.web.run;

import dev.penstock.model.InvalidParameterException;
import dev.penstock.store.StepProgress;
import dev.penstock.web.Guard;
import dev.penstock.web.LiveStreams;
import dev.penstock.web.WebUi;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A run's live stream, {@code GET /runs/{versionId}/events}: Server-Sent Events of what changed
 * (see {@link RunEventStream}), for the steps the page with the same query shows. A browser's
 * EventSource resumes a dropped stream with the Last-Event-ID header; the page's first connection
 * names, as {@code lastEventId}, where the page it drew left off. Thread-safe.
 */
final class RunEvents {
  private final WebUi.Services services;
  private final RunGraphs graphs;
  private final RunEventStream stream;
  private final Predicate<String> sessionLive;
  private final LiveStreams streams;

  /**
   * @param sessionLive whether the session with this id still holds: a stream ends soon after its
   *     browser signs out
   */
  RunEvents(
      WebUi.Services services,
      RunGraphs graphs,
      Predicate<String> sessionLive,
      LiveStreams streams) {
    this.services = services;
    this.streams = streams;
    this.graphs = graphs;
    this.sessionLive = sessionLive;
    this.stream =
        new RunEventStream(
            services.overview(), services.clock(), duration -> Thread.sleep(duration));
  }

  void stream(Context ctx) throws Exception {
    String versionId = ctx.pathParam("versionId");
    RunQuery query = RunQuery.of(ctx);
    var run = RunPage.find(services, versionId);
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      throw new InvalidParameterException(
          "This is the live stream of a run's page, for a browser's EventSource"
              + " (Accept: text/event-stream); the page is at /runs/"
              + versionId);
    }
    Long lastEventId = eventId(ctx.header("Last-Event-ID"));
    if (lastEventId == null) {
      lastEventId = eventId(ctx.queryParam("lastEventId"));
    }
    var now = services.clock().instant();
    List<StepProgress> steps = services.overview().stepProgress(versionId, null);
    var shown = new HashSet<String>();
    StepTables.page(steps, query, ids -> Map.of(), now)
        .rows()
        .forEach(row -> shown.add(row.step().id()));
    DrawnGraph graph = graphs.structure(run, steps, query);
    shown.addAll(graph.drawnSteps());
    var progress = new RunProgress(shown::contains, graph.groupOf());
    String sessionId = Guard.session(ctx).id();
    Long resumeFrom = lastEventId;
    streams.serve(
        ctx,
        client ->
            stream.stream(
                versionId,
                progress,
                resumeFrom,
                channel(client),
                () -> sessionLive.test(sessionId)));
  }

  /** An event id this stream sent (epoch millis), or null for none or another's. */
  static Long eventId(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      long id = Long.parseLong(value.strip());
      return id < 0 ? null : id;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private RunEventStream.Channel channel(SseClient client) {
    return new RunEventStream.Channel() {
      @Override
      public void send(String event, String data, long id) {
        client.sendEvent(event, data, Long.toString(id));
      }

      @Override
      public void comment(String text) {
        client.sendComment(text);
      }

      @Override
      public boolean closed() {
        return streams.over(client);
      }
    };
  }
}
