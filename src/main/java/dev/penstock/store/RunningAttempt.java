package dev.penstock.store;

/**
 * An attempt that a state change took from its process (cancel, reset): the node that runs it must
 * stop the process; whatever the process reports afterwards is fenced off by the attempt number.
 */
public record RunningAttempt(
    String stepVersionId, String pipelineVersionId, int attempt, String claimedBy) {}
