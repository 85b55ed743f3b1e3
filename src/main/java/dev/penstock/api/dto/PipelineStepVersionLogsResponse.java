package dev.penstock.api.dto;

/** The SDK's PipelineStepVersionLogs: stdout and stderr of one step version as one text. */
public record PipelineStepVersionLogsResponse(
    String stepName, String pipelineStepId, String pipelineStepVersion, String logs) {}
