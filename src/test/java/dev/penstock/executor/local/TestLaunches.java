package dev.penstock.executor.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.executor.StepLaunch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link StepLaunch}es for tests: under a test's temp dir, a working directory and beside it
 * the attempt's directory with the log, as the engine lays them out.
 */
final class TestLaunches {
  private TestLaunches() {}

  /** A launch of {@code step(**kwargs)} from {@code source}, with no limits to speak of. */
  static StepLaunch launch(Path root, String source) {
    return launch(root, source, Map.of());
  }

  static StepLaunch launch(Path root, String source, Map<String, JsonNode> kwargs) {
    return new StepLaunch(
        "sv-1",
        1,
        root.resolve("steps/sv-1/work-1"),
        root.resolve("steps/sv-1/attempt-1/log.txt"),
        "step",
        source,
        kwargs,
        List.of(),
        0,
        Duration.ofMinutes(5),
        Map.of());
  }

  static StepLaunch withTimeout(StepLaunch launch, Duration timeout) {
    return new StepLaunch(
        launch.stepVersionId(),
        launch.attempt(),
        launch.workDir(),
        launch.logFile(),
        launch.functionName(),
        launch.sourceCode(),
        launch.kwargs(),
        launch.packageRequirements(),
        launch.memoryGb(),
        timeout,
        launch.environment());
  }

  static StepLaunch withMemoryGb(StepLaunch launch, int memoryGb) {
    return new StepLaunch(
        launch.stepVersionId(),
        launch.attempt(),
        launch.workDir(),
        launch.logFile(),
        launch.functionName(),
        launch.sourceCode(),
        launch.kwargs(),
        launch.packageRequirements(),
        memoryGb,
        launch.timeout(),
        launch.environment());
  }

  static StepLaunch withRequirements(StepLaunch launch, List<String> requirements) {
    return new StepLaunch(
        launch.stepVersionId(),
        launch.attempt(),
        launch.workDir(),
        launch.logFile(),
        launch.functionName(),
        launch.sourceCode(),
        launch.kwargs(),
        requirements,
        launch.memoryGb(),
        launch.timeout(),
        launch.environment());
  }

  static StepLaunch withEnvironment(StepLaunch launch, Map<String, String> environment) {
    return new StepLaunch(
        launch.stepVersionId(),
        launch.attempt(),
        launch.workDir(),
        launch.logFile(),
        launch.functionName(),
        launch.sourceCode(),
        launch.kwargs(),
        launch.packageRequirements(),
        launch.memoryGb(),
        launch.timeout(),
        environment);
  }

  /**
   * The launch as another step version, with an attempt directory of its own under {@code root}.
   */
  static StepLaunch withId(Path root, StepLaunch launch, String stepVersionId) {
    return new StepLaunch(
        stepVersionId,
        launch.attempt(),
        root.resolve("steps/" + stepVersionId + "/work-1"),
        root.resolve("steps/" + stepVersionId + "/attempt-1/log.txt"),
        launch.functionName(),
        launch.sourceCode(),
        launch.kwargs(),
        launch.packageRequirements(),
        launch.memoryGb(),
        launch.timeout(),
        launch.environment());
  }
}
