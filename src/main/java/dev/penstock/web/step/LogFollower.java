package dev.penstock.web.step;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.penstock.engine.attempt.StepLogs;
import dev.penstock.model.LogChunk;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.RunStore;
import dev.penstock.web.LiveStreams;
import io.javalin.http.sse.SseClient;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one attempt's log to a browser as server-sent events: first its tail (or, when the
 * browser resumes with Last-Event-ID, everything after that offset), then what is written as it is
 * written, polling the file, until the attempt has ended and its last bytes were sent. An attempt
 * not started yet is waited for while its step is pending. Events: {@code waiting} (the attempt has
 * not started), {@code chunk} (a {@link LogChunk} as JSON; its id is the chunk's end offset) and
 * one {@code end} ({@code {attempt, latest, status}}). Comments every ten seconds keep proxies and
 * Jetty's idle timeout from closing a quiet stream; a write that fails (the reader left) ends the
 * loop. One virtual thread per stream; thread-safe.
 */
final class LogFollower {
  static final int TAIL_BYTES = 64 * 1024;
  static final int CHUNK_BYTES = 256 * 1024;
  private static final long POLL_MILLIS = 300;
  private static final long STATUS_MILLIS = 1_000;
  private static final long HEARTBEAT_MILLIS = 10_000;

  /**
   * How long bytes may still arrive after the store says the attempt ended: a stopped step's
   * process can write its last lines after its status changed.
   */
  private static final long GRACE_MILLIS = 1_000;

  /** ASCII only: the event stream is written as text, and JSON escapes say every character. */
  private static final JsonMapper JSON =
      JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

  private static final Logger LOG = LoggerFactory.getLogger(LogFollower.class);

  private final StepLogs logs;
  private final RunStore runs;
  private final InstantSource clock;
  private final LiveStreams streams;

  LogFollower(StepLogs logs, RunStore runs, InstantSource clock, LiveStreams streams) {
    this.logs = logs;
    this.runs = runs;
    this.clock = clock;
    this.streams = streams;
  }

  /** Follows {@code attempt} of {@code step} from {@code resumeFrom} (negative: from its tail). */
  void follow(SseClient client, StepVersion step, int attempt, long resumeFrom) {
    try {
      StepVersion current = awaitStart(client, step, attempt);
      if (current == null) {
        return;
      }
      LogChunk chunk =
          resumeFrom < 0
              ? logs.tail(current, attempt, TAIL_BYTES)
              : logs.read(current, attempt, resumeFrom, CHUNK_BYTES);
      send(client, chunk);
      long offset = chunk.end();
      long lastWrite = System.currentTimeMillis();
      long lastStatus = 0;
      long endedAt = longOver(current, attempt) ? lastWrite - GRACE_MILLIS : -1;
      while (!streams.over(client)) {
        chunk = logs.read(current, attempt, offset, CHUNK_BYTES);
        long now = System.currentTimeMillis();
        if (chunk.end() > offset) {
          send(client, chunk);
          offset = chunk.end();
          lastWrite = now;
          continue;
        }
        if (endedAt >= 0 && now - endedAt >= GRACE_MILLIS) {
          end(client, attempt, current);
          return;
        }
        if (endedAt < 0 && now - lastStatus >= STATUS_MILLIS) {
          lastStatus = now;
          current = runs.findStepVersionToPlan(step.id()).orElse(current);
          if (ended(current, attempt)) {
            endedAt = now;
          }
        }
        if (now - lastWrite >= HEARTBEAT_MILLIS) {
          client.sendComment("still here");
          lastWrite = now;
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // The server stopping closes the store under a stream; the browser will reconnect.
      LOG.debug("log stream of step {} ended: {}", step.id(), e.toString());
    }
  }

  /**
   * The step once {@code attempt} has started, waiting for that while the step is pending; null,
   * after an {@code end} event, when it ended without starting it (or the reader left).
   */
  private StepVersion awaitStart(SseClient client, StepVersion step, int attempt)
      throws InterruptedException {
    StepVersion current = step;
    long lastWrite = System.currentTimeMillis();
    if (current.attempt() < attempt && current.status() == StepStatus.PENDING) {
      client.sendEvent("waiting", json(Map.of("status", current.status().name())));
    }
    while (current.attempt() < attempt) {
      if (current.status() != StepStatus.PENDING) {
        end(client, attempt, current);
        return null;
      }
      if (streams.over(client)) {
        return null;
      }
      if (System.currentTimeMillis() - lastWrite >= HEARTBEAT_MILLIS) {
        client.sendComment("waiting for the step to start");
        lastWrite = System.currentTimeMillis();
      }
      Thread.sleep(STATUS_MILLIS);
      current = runs.findStepVersionToPlan(step.id()).orElse(null);
      if (current == null) {
        return null; // the run was deleted
      }
    }
    return current;
  }

  /** Whether {@code attempt} ended long enough ago that no late bytes can come: no grace needed. */
  private boolean longOver(StepVersion step, int attempt) {
    if (step.attempt() > attempt) {
      return true;
    }
    Instant end = step.completedAt();
    return ended(step, attempt)
        && end != null
        && end.isBefore(clock.instant().minusMillis(GRACE_MILLIS));
  }

  /** Whether {@code attempt} can write no more: a later one began, or the step is not running. */
  static boolean ended(StepVersion step, int attempt) {
    return step.attempt() > attempt || step.status() != StepStatus.RUNNING;
  }

  private static void send(SseClient client, LogChunk chunk) {
    client.sendEvent("chunk", json(chunk), Long.toString(chunk.end()));
  }

  private static void end(SseClient client, int attempt, StepVersion step) {
    client.sendEvent(
        "end",
        json(Map.of("attempt", attempt, "latest", step.attempt(), "status", step.status().name())));
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
