package dev.penstock.api.dto;

import java.util.List;

/** The SDK's PipelineVersionLogs: the logs of every step of one run. */
public record PipelineVersionLogsResponse(List<PipelineStepVersionLogsResponse> stepLogs) {}
