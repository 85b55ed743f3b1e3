package dev.penstock.web.run;

import java.util.List;

/**
 * One event of a run's live stream: the run, and the steps and groups the page shows that changed
 * since the last event. {@code id} is the newest change seen (epoch millis), the event's id, which
 * a reconnecting browser sends back as Last-Event-ID.
 */
public record LiveUpdate(long id, LiveRun run, List<LiveStep> steps, List<LiveGroup> groups) {}
