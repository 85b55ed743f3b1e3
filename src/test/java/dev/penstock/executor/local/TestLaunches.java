package dev.penstock.executor.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.executor.StepLaunch;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Builds {@link StepLaunch}es for tests, laid out under a test's temp dir as the engine lays out a
 * run: the working directories side by side under {@code run/work/}, the attempts' directories with
 * the logs under {@code run/<step version>/}. Every launch under one root belongs to one run, so
 * that with isolation {@code run} its steps may share a warm worker.
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
        workDir(root, "sv-1"),
        logFile(root, "sv-1"),
        "step",
        source,
        kwargs,
        List.of(),
        0,
        Duration.ofMinutes(5),
        Map.of(),
        "run-" + root.getFileName(),
        null);
  }

  static StepLaunch withTimeout(StepLaunch launch, Duration timeout) {
    return copy(launch, launch.workDir(), launch.logFile(), launch.memoryGb(), timeout);
  }

  static StepLaunch withMemoryGb(StepLaunch launch, int memoryGb) {
    return copy(launch, launch.workDir(), launch.logFile(), memoryGb, launch.timeout());
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
        launch.environment(),
        launch.runId(),
        launch.isolation());
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
        environment,
        launch.runId(),
        launch.isolation());
  }

  /**
   * The launch as another step version of the same run, with directories of its own under {@code
   * root}.
   */
  static StepLaunch withId(Path root, StepLaunch launch, String stepVersionId) {
    var moved =
        copy(
            launch,
            workDir(root, stepVersionId),
            logFile(root, stepVersionId),
            launch.memoryGb(),
            launch.timeout());
    return new StepLaunch(
        stepVersionId,
        moved.attempt(),
        moved.workDir(),
        moved.logFile(),
        moved.functionName(),
        moved.sourceCode(),
        moved.kwargs(),
        moved.packageRequirements(),
        moved.memoryGb(),
        moved.timeout(),
        moved.environment(),
        moved.runId(),
        moved.isolation());
  }

  /** The launch as a step of another run: with isolation run, it never shares a worker. */
  static StepLaunch inRun(StepLaunch launch, String runId) {
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
        launch.environment(),
        runId,
        launch.isolation());
  }

  private static Path workDir(Path root, String stepVersionId) {
    return root.resolve("run/work/" + stepVersionId + "-1");
  }

  private static Path logFile(Path root, String stepVersionId) {
    return root.resolve("run/" + stepVersionId + "/attempt-1/log.txt");
  }

  private static StepLaunch copy(
      StepLaunch launch, Path workDir, Path logFile, int memoryGb, Duration timeout) {
    return new StepLaunch(
        launch.stepVersionId(),
        launch.attempt(),
        workDir,
        logFile,
        launch.functionName(),
        launch.sourceCode(),
        launch.kwargs(),
        launch.packageRequirements(),
        memoryGb,
        timeout,
        launch.environment(),
        launch.runId(),
        launch.isolation());
  }
}
