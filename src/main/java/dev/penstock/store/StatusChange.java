package dev.penstock.store;

import java.time.Instant;

/** One row of a step version's status history. */
public record StatusChange(int attempt, String status, String reason, Instant at) {}
