package dev.penstock.model;

import java.time.Instant;
import java.util.List;

/**
 * A pipeline definition. {@code variables} are the defaults every run starts from; {@code
 * maxConcurrentRuns} (null: unlimited) caps how many of its runs are RUNNING at once.
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
    Instant updatedAt) {}
