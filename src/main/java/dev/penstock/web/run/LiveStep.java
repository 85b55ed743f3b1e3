package dev.penstock.web.run;

/**
 * One step as the live stream sends it to a run page: its status (lower case, the CSS suffix), its
 * attempt, the text under its name in the graph and its duration so far, and its times as ISO-8601
 * (empty when unset) for the page to tick a running step's clock.
 */
public record LiveStep(
    String id,
    String status,
    int attempt,
    String subtitle,
    String duration,
    String startedAt,
    String completedAt) {}
