package dev.penstock.model;

import java.time.Instant;
import java.util.List;

/**
 * A pipeline definition. {@code variables} are the defaults every run starts from; {@code
 * maxConcurrentRuns} (null: unlimited) caps how many of its runs are RUNNING at once. The schedule
 * is {@code cron} (UTC; null when none), {@code schedulePaused}, and {@code nextRunAt}, when the
 * schedule fires next (null when there is no cron or it is paused). {@code isolation} says which
 * steps of its runs may share a Python process (null: the server's default); {@code placement},
 * where its steps run (never null; {@link StepPlacement#DEFAULT}: where the server's settings say).
 */
public record Pipeline(
    String id,
    String name,
    String projectId,
    String cron,
    boolean isProd,
    List<InputMapping> variables,
    Integer maxConcurrentRuns,
    Instant createdAt,
    Instant updatedAt,
    boolean schedulePaused,
    Instant nextRunAt,
    Isolation isolation,
    StepPlacement placement) {

  public Pipeline {
    placement = placement == null ? StepPlacement.DEFAULT : placement;
  }

  /** A pipeline whose steps run where the server's settings say. */
  public Pipeline(
      String id,
      String name,
      String projectId,
      String cron,
      boolean isProd,
      List<InputMapping> variables,
      Integer maxConcurrentRuns,
      Instant createdAt,
      Instant updatedAt,
      boolean schedulePaused,
      Instant nextRunAt,
      Isolation isolation) {
    this(
        id,
        name,
        projectId,
        cron,
        isProd,
        variables,
        maxConcurrentRuns,
        createdAt,
        updatedAt,
        schedulePaused,
        nextRunAt,
        isolation,
        StepPlacement.DEFAULT);
  }

  /** A pipeline whose schedule, if it has a cron, is not paused and not yet timed. */
  public Pipeline(
      String id,
      String name,
      String projectId,
      String cron,
      boolean isProd,
      List<InputMapping> variables,
      Instant createdAt,
      Instant updatedAt) {
    this(id, name, projectId, cron, isProd, variables, null, createdAt, updatedAt);
  }

  /** As above, with a concurrency limit. */
  public Pipeline(
      String id,
      String name,
      String projectId,
      String cron,
      boolean isProd,
      List<InputMapping> variables,
      Integer maxConcurrentRuns,
      Instant createdAt,
      Instant updatedAt) {
    this(
        id,
        name,
        projectId,
        cron,
        isProd,
        variables,
        maxConcurrentRuns,
        createdAt,
        updatedAt,
        false,
        null,
        null);
  }
}
