package dev.penstock.executor;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to run one attempt of one step. {@code workDir} is the attempt's own empty
 * directory and the process's working directory; {@code logFile} receives stdout and stderr in the
 * order written (appended: the engine may have written a note first). {@code kwargs} are the bound
 * arguments, passed as {@code function(**kwargs)}. {@code environment} is added to the process's
 * inherited environment.
 */
public record StepLaunch(
    String stepVersionId,
    int attempt,
    Path workDir,
    Path logFile,
    String functionName,
    String sourceCode,
    Map<String, JsonNode> kwargs,
    List<String> packageRequirements,
    int memoryGb,
    Duration timeout,
    Map<String, String> environment) {}
