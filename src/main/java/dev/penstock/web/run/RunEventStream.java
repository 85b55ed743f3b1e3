package dev.penstock.web.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.model.PipelineVersion;
import dev.penstock.store.RunOverview;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one browser's live stream of a run: a {@code progress} event at once, then one whenever a
 * poll finds a change, a comment when nothing changed for {@link #HEARTBEAT_POLLS} polls (so that
 * neither Jetty's idle timeout nor a proxy closes a quiet stream, and a browser that left is
 * noticed: a write fails), and {@code end} once the run has ended and one more poll found nothing
 * late. It returns when the run ends, the browser leaves, its session ends or the thread is
 * interrupted; each stream holds one thread (a virtual one) and nothing else. Thread-safe: every
 * call keeps its state to itself.
 */
final class RunEventStream {
  static final Duration POLL = Duration.ofMillis(400);

  /**
   * Polls between keep-alive comments: 5 s, well inside Jetty's idle timeout of 30 s. A browser
   * that left is noticed by the second write after it did (the first still fits in the socket's
   * buffer), so its stream stops polling within 10 s.
   */
  static final int HEARTBEAT_POLLS = 12;

  private static final Logger log = LoggerFactory.getLogger(RunEventStream.class);

  /** Where events go: a Server-Sent Events response, or a test's list. */
  interface Channel {
    void send(String event, String data, long id);

    void comment(String text);

    /** Whether the browser has gone (a write failed); nothing sent afterwards arrives. */
    boolean closed();
  }

  /** Waits between polls: the thread sleeps; a test moves its clock instead. */
  interface Pause {
    void pause(Duration duration) throws InterruptedException;
  }

  private final RunOverview overview;
  private final InstantSource clock;
  private final Pause pause;
  private final ObjectMapper json = new ObjectMapper();

  RunEventStream(RunOverview overview, InstantSource clock, Pause pause) {
    this.overview = overview;
    this.clock = clock;
    this.pause = pause;
  }

  /**
   * Streams the run until one of the ends above.
   *
   * @param lastEventId the id of the last event the browser has (Last-Event-ID), or null
   * @param signedIn whether the browser's session still holds, asked at each keep-alive
   */
  void stream(
      String versionId,
      RunProgress progress,
      Long lastEventId,
      Channel channel,
      BooleanSupplier signedIn) {
    try {
      Instant readAt = clock.instant();
      PipelineVersion run = overview.version(versionId).orElse(null);
      if (run == null) {
        channel.send("end", "{\"reason\":\"gone\"}", lastEventId == null ? 0 : lastEventId);
        return;
      }
      var first = progress.begin(run, overview.stepProgress(versionId, null), readAt, lastEventId);
      channel.send("progress", json(first), first.id());
      boolean lookedAgain = false;
      int quiet = 0;
      while (!channel.closed()) {
        if (run.status().terminal()) {
          if (lookedAgain) {
            channel.send("end", "{\"reason\":\"ended\"}", progress.newest());
            return;
          }
          lookedAgain = true; // a change stamped before the run ended may commit just after
        } else {
          lookedAgain = false;
        }
        pause.pause(POLL);
        readAt = clock.instant();
        run = overview.version(versionId).orElse(null);
        if (run == null) {
          channel.send("end", "{\"reason\":\"gone\"}", progress.newest());
          return;
        }
        var update = progress.next(run, overview.stepProgress(versionId, progress.since()), readAt);
        if (update != null) {
          channel.send("progress", json(update), update.id());
          quiet = 0;
        } else if (++quiet >= HEARTBEAT_POLLS) {
          quiet = 0;
          if (!signedIn.getAsBoolean()) {
            channel.send("end", "{\"reason\":\"signed-out\"}", progress.newest());
            return;
          }
          channel.comment("still here");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // The server stopping closes the store under a stream; the browser will reconnect.
      log.debug("live stream of run {} ended: {}", versionId, e.toString());
    }
  }

  private String json(LiveUpdate update) {
    try {
      return json.writeValueAsString(update);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a live update did not serialise", e);
    }
  }
}
