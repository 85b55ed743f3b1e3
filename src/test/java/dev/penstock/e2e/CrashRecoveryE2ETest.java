package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.awaitFinished;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.logs;
import static dev.penstock.testing.Steps.mappingValue;
import static dev.penstock.testing.Steps.stepVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.Processes;
import dev.penstock.testing.ServerProcess;
import dev.penstock.testing.SharedFolders;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server is killed with SIGKILL in the middle of a run and started again on the same data
 * directory: the interrupted step runs again from the start, its orphaned process is gone, the run
 * finishes, and nothing accepted before the kill is lost.
 */
class CrashRecoveryE2ETest {
  private static final String SOURCE =
      """
      import os, pathlib, time

      def wait_for_release(shared):
          folder = pathlib.Path(shared)
          with open(folder / "pids", "a") as pids:
              # The pid the server sees: a step is PID 1 of a namespace of its own,
              # and /proc, the machine's, numbers it as the server does.
              pids.write(os.readlink("/proc/self") + "\\n")
          print("attempt started in", os.getcwd(), flush=True)
          while not (folder / "release").exists():
              time.sleep(0.05)
          return {"done": len((folder / "pids").read_text().split())}

      def after(done):
          return done * 10
      """;

  @TempDir Path dataDir;
  private final Path shared = SharedFolders.create();

  @Test
  void a_run_interrupted_by_kill_9_reruns_the_step_and_finishes_after_restart() throws Exception {
    String versionId;
    String queuedVersionId;
    String pipelineId;
    try (ServerProcess first = ServerProcess.start(dataDir)) {
      AbacusClient client = first.client();
      pipelineId = createPipeline(client, "crash");
      waitStep().addTo(client, pipelineId);
      StepRequest.named("after")
          .source(SOURCE)
          .function("after")
          .fromVariable("done", "INTEGER", "done")
          .output("result", "INTEGER")
          .after("wait")
          .addTo(client, pipelineId);
      versionId = runUntilTheStepWaits(client, pipelineId);
      queuedVersionId = Steps.run(client, pipelineId, List.of());

      first.kill();
    }
    awaitGoneThenRelease(pids().get(0));

    try (ServerProcess second = ServerProcess.start(dataDir)) {
      AbacusClient client = second.client();
      JsonNode version = awaitFinished(client, versionId);
      JsonNode wait = assertCompleteWithWaitOnItsSecondAttempt(version);
      assertThat(mappingValue(wait.path("outputVariableMappings"), "done").asInt())
          .isGreaterThanOrEqualTo(2);
      assertThat(stepVersion(version, "after").path("status").asText()).isEqualTo("COMPLETE");
      assertThat(logs(client, wait))
          .contains("attempt started in")
          .contains("[penstock] attempt 2 of step 'wait' starts")
          .contains("interrupted because the server was restarted");
      assertThat(wait.path("attempts").get(0).path("status").asText()).isEqualTo("INTERRUPTED");
      assertThat(wait.path("attempts").get(1).path("status").asText()).isEqualTo("COMPLETE");

      assertThat(awaitFinished(client, queuedVersionId).path("status").asText())
          .isEqualTo("COMPLETE");
      assertThat(client.call("describePipeline", params("pipelineId", pipelineId)).path("steps"))
          .hasSize(2);
    }
  }

  @Test
  void
      sigterm_hands_back_a_step_still_running_after_the_drain_grace_and_it_reruns_on_the_next_start()
          throws Exception {
    String versionId;
    try (ServerProcess first = ServerProcess.start(dataDir, "--drain-grace", "1s")) {
      AbacusClient client = first.client();
      String pipelineId = createPipeline(client, "term");
      waitStep().addTo(client, pipelineId);
      versionId = runUntilTheStepWaits(client, pipelineId);
      // 143 = 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran.
      assertThat(first.terminate(Duration.ofSeconds(30))).isEqualTo(143);
    }
    awaitGoneThenRelease(pids().get(0));
    try (ServerProcess second = ServerProcess.start(dataDir)) {
      AbacusClient client = second.client();
      JsonNode wait = assertCompleteWithWaitOnItsSecondAttempt(awaitFinished(client, versionId));
      assertThat(logs(client, wait))
          .contains(
              "[penstock] attempt 2 of step 'wait' starts: the server shut down while attempt 1 was running");
    }
  }

  /**
   * A fan-out run on warm workers (the default isolation), the server killed when part of its steps
   * are COMPLETE: after the restart every step is COMPLETE with its own value, once, and the sink
   * sums exactly those values. The killed server's fork servers and workers are gone by then.
   */
  @Test
  void a_warm_fan_out_interrupted_by_kill_9_finishes_with_every_result_once() throws Exception {
    int width = 30;
    String source =
        """
        import time

        def square(i):
            time.sleep(0.05)
            return i * i

        def total(**squares):
            return sum(squares.values())
        """;
    String versionId;
    try (ServerProcess first = ServerProcess.start(dataDir)) {
      AbacusClient client = first.client();
      String pipelineId = createPipeline(client, "warm_fan_out");
      var sink = StepRequest.named("total").source(source).function("total");
      for (int i = 0; i < width; i++) {
        StepRequest.named("square_" + i)
            .source(source)
            .function("square")
            .input("i", "INTEGER", i)
            .output("sq_" + i, "INTEGER")
            .addTo(client, pipelineId);
        sink = sink.fromVariable("sq_" + i, "INTEGER", "sq_" + i);
      }
      var squares = new String[width];
      for (int i = 0; i < width; i++) {
        squares[i] = "square_" + i;
      }
      sink.output("sum", "INTEGER").after(squares).addTo(client, pipelineId);
      versionId = Steps.run(client, pipelineId, List.of());
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () ->
                  complete(
                          client.call(
                              "describePipelineVersion", params("pipelineVersion", versionId)))
                      >= 5);

      first.kill();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> Processes.forkServersOf(dataDir).isEmpty());

    try (ServerProcess second = ServerProcess.start(dataDir)) {
      JsonNode version = awaitFinished(second.client(), versionId);

      assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
      for (int i = 0; i < width; i++) {
        JsonNode step = stepVersion(version, "square_" + i);
        assertThat(step.path("status").asText()).isEqualTo("COMPLETE");
        assertThat(mappingValue(step.path("outputVariableMappings"), "sq_" + i).asInt())
            .isEqualTo(i * i);
        assertThat(step.path("attempts"))
            .filteredOn(attempt -> attempt.path("status").asText().equals("COMPLETE"))
            .hasSize(1);
      }
      int expected = 0;
      for (int i = 0; i < width; i++) {
        expected += i * i;
      }
      assertThat(Steps.outputValue(version, "total", "sum").asInt()).isEqualTo(expected);
    }
  }

  /**
   * Killed while the runner writes a stored value, after the step wrote into its outputs folder:
   * the killed attempt's files are never offered, and the rerun's are, once.
   */
  @Test
  void a_kill_9_while_artifacts_are_written_leaves_none_of_them_readable() throws Exception {
    String versionId;
    try (ServerProcess first = ServerProcess.start(dataDir)) {
      AbacusClient client = first.client();
      String pipelineId = createPipeline(client, "crash_artifacts");
      StepRequest.named("store")
          .source(
              """
              import os, pathlib, time

              class Slow:
                  def __init__(self, folder):
                      self.folder = folder

                  def __reduce__(self):  # runs while the runner pickles the value into its file
                      with open(self.folder / "pids", "a") as pids:
                          pids.write(os.readlink("/proc/self") + "\\n")
                      while not (self.folder / "release").exists():
                          time.sleep(0.05)
                      return (str, ("stored",))

              def store(shared):
                  folder = pathlib.Path(shared)
                  attempt = len((folder / "pids").read_text().split()) + 1 if (folder / "pids").exists() else 1
                  outputs = pathlib.Path(os.environ["PENSTOCK_OUTPUTS_DIR"])
                  (outputs / f"attempt-{attempt}.txt").write_text("x" * 100_000)
                  return {"value": Slow(folder)}
              """)
          .function("store")
          .input("shared", "STRING", shared.toString())
          .output("value", "ANY")
          .addTo(client, pipelineId);
      versionId = runUntilTheStepWaits(client, pipelineId);
      first.kill();
    }
    awaitGoneThenRelease(pids().get(0));

    try (ServerProcess second = ServerProcess.start(dataDir)) {
      AbacusClient client = second.client();
      JsonNode version = awaitFinished(client, versionId);
      assertThat(version.path("status").asText())
          .as(version.toPrettyString())
          .isEqualTo("COMPLETE");
      JsonNode listed =
          client.call("listPipelineVersionArtifacts", params("pipelineVersion", versionId));
      assertThat(listed.findValuesAsText("name")).containsExactly("value", "attempt-2.txt");
      assertThat(listed.findValuesAsText("attempt")).containsOnly("2");
      assertThat(stepVersion(version, "store").path("pipelineStepVersionReferences")).hasSize(2);
    }
  }

  private static long complete(JsonNode version) {
    long count = 0;
    for (JsonNode step : version.path("stepVersions")) {
      count += step.path("status").asText().equals("COMPLETE") ? 1 : 0;
    }
    return count;
  }

  /** The step that waits for the release file, recording each attempt's pid. */
  private StepRequest waitStep() {
    return StepRequest.named("wait")
        .source(SOURCE)
        .function("wait_for_release")
        .input("shared", "STRING", shared.toString())
        .output("done", "INTEGER");
  }

  /** The run is COMPLETE and its step wait ran twice; returns that step version. */
  private static JsonNode assertCompleteWithWaitOnItsSecondAttempt(JsonNode version) {
    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    JsonNode wait = stepVersion(version, "wait");
    assertThat(wait.path("attempt").asInt()).isEqualTo(2);
    return wait;
  }

  /** Runs the pipeline and returns its version once its first step's process is waiting. */
  private String runUntilTheStepWaits(AbacusClient client, String pipelineId) {
    String versionId = Steps.run(client, pipelineId, List.of());
    await().atMost(Duration.ofSeconds(30)).until(() -> pids().size() == 1);
    return versionId;
  }

  /** Waits for the step's process to be gone, then lets the next attempt finish. */
  private void awaitGoneThenRelease(long pid) throws Exception {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    Files.writeString(shared.resolve("release"), "go");
  }

  private List<Long> pids() throws Exception {
    Path file = shared.resolve("pids");
    if (!Files.exists(file)) {
      return List.of();
    }
    return Files.readAllLines(file).stream()
        .filter(line -> !line.isBlank())
        .map(Long::parseLong)
        .toList();
  }
}
