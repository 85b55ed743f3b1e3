package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.addStep;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.input;
import static dev.penstock.testing.Steps.mappingValue;
import static dev.penstock.testing.Steps.output;
import static dev.penstock.testing.Steps.stepVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ServerProcess;
import dev.penstock.testing.Steps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
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
              pids.write(f"{os.getpid()}\\n")
          print("attempt started in", os.getcwd(), flush=True)
          while not (folder / "release").exists():
              time.sleep(0.05)
          return {"done": len((folder / "pids").read_text().split())}

      def after(done):
          return done * 10
      """;

  @TempDir Path dataDir;
  @TempDir Path shared;

  @Test
  void a_run_interrupted_by_kill_9_reruns_the_step_and_finishes_after_restart() throws Exception {
    String versionId;
    String queuedVersionId;
    String pipelineId;
    try (ServerProcess first = ServerProcess.start(dataDir)) {
      AbacusClient client = first.client();
      pipelineId = createPipeline(client, "crash");
      addStep(
          client,
          pipelineId,
          "wait",
          SOURCE,
          "wait_for_release",
          List.of(input("shared", "STRING", shared.toString(), null)),
          List.of(output("done", "INTEGER")),
          List.of());
      addStep(
          client,
          pipelineId,
          "after",
          SOURCE,
          "after",
          List.of(input("done", "INTEGER", null, "done")),
          List.of(output("result", "INTEGER")),
          List.of("wait"));
      versionId = Steps.run(client, pipelineId, List.of());
      await().atMost(Duration.ofSeconds(30)).until(() -> pids().size() == 1);
      queuedVersionId = Steps.run(client, pipelineId, List.of());

      first.kill();
    }
    long orphan = pids().get(0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(orphan).map(p -> !p.isAlive()).orElse(true));
    Files.writeString(shared.resolve("release"), "go");

    try (ServerProcess second = ServerProcess.start(dataDir)) {
      AbacusClient client = second.client();
      JsonNode version = awaitFinished(client, versionId);
      assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
      JsonNode wait = stepVersion(version, "wait");
      assertThat(wait.path("attempt").asInt()).isEqualTo(2);
      assertThat(mappingValue(wait.path("outputVariableMappings"), "done").asInt())
          .isGreaterThanOrEqualTo(2);
      assertThat(stepVersion(version, "after").path("status").asText()).isEqualTo("COMPLETE");
      String logs =
          client
              .call(
                  "getStepVersionLogs",
                  params("pipelineStepVersion", wait.path("pipelineStepVersion").asText()))
              .path("logs")
              .asText();
      assertThat(logs)
          .contains("attempt started in")
          .contains("[penstock] attempt 2 of step 'wait' starts")
          .contains("interrupted because the server was restarted");

      assertThat(awaitFinished(client, queuedVersionId).path("status").asText())
          .isEqualTo("COMPLETE");
      assertThat(client.call("describePipeline", params("pipelineId", pipelineId)).path("steps"))
          .hasSize(2);
    }
  }

  @Test
  void sigterm_stops_the_server_cleanly_and_the_interrupted_step_reruns_on_the_next_start()
      throws Exception {
    String versionId;
    try (ServerProcess first = ServerProcess.start(dataDir)) {
      AbacusClient client = first.client();
      String pipelineId = createPipeline(client, "term");
      addStep(
          client,
          pipelineId,
          "wait",
          SOURCE,
          "wait_for_release",
          List.of(input("shared", "STRING", shared.toString(), null)),
          List.of(output("done", "INTEGER")),
          List.of());
      versionId = Steps.run(client, pipelineId, List.of());
      await().atMost(Duration.ofSeconds(30)).until(() -> pids().size() == 1);
      // 143 = 128 + SIGTERM: the JVM's exit status after its shutdown hooks ran.
      assertThat(first.terminate(Duration.ofSeconds(30))).isEqualTo(143);
    }
    long stopped = pids().get(0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(stopped).map(p -> !p.isAlive()).orElse(true));
    Files.writeString(shared.resolve("release"), "go");
    try (ServerProcess second = ServerProcess.start(dataDir)) {
      JsonNode version = awaitFinished(second.client(), versionId);
      assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
      JsonNode wait = stepVersion(version, "wait");
      assertThat(wait.path("attempt").asInt()).isEqualTo(2);
      String logs =
          second
              .client()
              .call(
                  "getStepVersionLogs",
                  params("pipelineStepVersion", wait.path("pipelineStepVersion").asText()))
              .path("logs")
              .asText();
      assertThat(logs)
          .contains(
              "[penstock] attempt 2 of step 'wait' starts: the server shut down while attempt 1 was running");
    }
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

  private static JsonNode awaitFinished(AbacusClient client, String versionId) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              last[0] =
                  client.call("describePipelineVersion", params("pipelineVersion", versionId));
              return !Set.of("PENDING", "RUNNING").contains(last[0].path("status").asText());
            });
    return last[0];
  }
}
