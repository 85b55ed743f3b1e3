package dev.penstock.model;

import java.time.Instant;
import java.util.List;

/** A pipeline definition. {@code variables} are the defaults every run starts from. */
public record Pipeline(
    String id,
    String name,
    String projectId,
    String cron,
    boolean isProd,
    List<InputMapping> variables,
    Instant createdAt,
    Instant updatedAt) {}
