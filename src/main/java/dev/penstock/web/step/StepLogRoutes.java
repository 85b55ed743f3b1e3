package dev.penstock.web.step;

import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.LogChunk;
import dev.penstock.model.StepVersion;
import dev.penstock.web.LiveStreams;
import dev.penstock.web.WebUi;
import io.javalin.http.Context;

/**
 * An attempt's log for the step panel's script: {@code .../log?attempt=N} answers one chunk as JSON
 * (the tail, or {@code from} an offset, or the chunk ending {@code before} one, at most {@code max}
 * bytes), and {@code .../log/stream?attempt=N} follows it live ({@link LogFollower}). Neither ever
 * reads more of a log than it sends. Thread-safe.
 */
final class StepLogRoutes {
  static final int MAX_CHUNK_BYTES = 1024 * 1024;

  private final WebUi.Services services;
  private final LogFollower follower;
  private final LiveStreams streams;

  StepLogRoutes(WebUi.Services services, LiveStreams streams) {
    this.services = services;
    this.streams = streams;
    this.follower = new LogFollower(services.logs(), services.runs(), services.clock(), streams);
  }

  void chunk(Context ctx) {
    StepVersion step = StepPanelPage.stepOfRun(services, ctx);
    int attempt = (int) number(ctx, "attempt", step.attempt(), 0, Integer.MAX_VALUE);
    int max = (int) number(ctx, "max", LogFollower.TAIL_BYTES, 1, MAX_CHUNK_BYTES);
    LogChunk chunk;
    if (ctx.queryParam("from") != null) {
      chunk = services.logs().read(step, attempt, number(ctx, "from", 0, 0, Long.MAX_VALUE), max);
    } else if (ctx.queryParam("before") != null) {
      long before = number(ctx, "before", 0, 0, Long.MAX_VALUE);
      long from = Math.max(0, before - max);
      // A start before the first byte kept reads from there; the end stays where it was asked.
      LogChunk head = services.logs().read(step, attempt, from, 0);
      from = Math.max(from, head.earliest());
      chunk = services.logs().read(step, attempt, from, (int) Math.max(0, before - from));
    } else {
      chunk = services.logs().tail(step, attempt, max);
    }
    ctx.contentType("application/json").result(LogFollower.json(chunk));
  }

  void stream(Context ctx) throws Exception {
    StepVersion step = StepPanelPage.stepOfRun(services, ctx);
    int attempt = (int) number(ctx, "attempt", Math.max(1, step.attempt()), 1, Integer.MAX_VALUE);
    if (attempt > Math.max(1, step.attempt())) {
      throw new InvalidParameterException(
          "The step " + step.stepName() + " has no attempt " + attempt + ".");
    }
    long resumeFrom = resumePoint(ctx);
    streams.serve(ctx, client -> follower.follow(client, step, attempt, resumeFrom));
  }

  /** Where a stream resumes: after the last chunk the browser got (Last-Event-ID), else -1. */
  private static long resumePoint(Context ctx) {
    String last = ctx.header("Last-Event-ID");
    try {
      return last == null ? -1 : Math.max(0, Long.parseLong(last.strip()));
    } catch (NumberFormatException malformed) {
      return -1;
    }
  }

  private static long number(Context ctx, String name, long fallback, long min, long max) {
    String text = ctx.queryParam(name);
    if (text == null || text.isBlank()) {
      return fallback;
    }
    try {
      long value = Long.parseLong(text.strip());
      if (value < min || value > max) {
        throw new InvalidParameterException(
            "%s must be between %d and %d, not %d".formatted(name, min, max, value));
      }
      return value;
    } catch (NumberFormatException e) {
      throw new InvalidParameterException(name + " must be a whole number, not " + text);
    }
  }
}
