package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.ApiAssertions.assertFails;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static dev.penstock.testing.Steps.stepVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.SharedFolders;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rerun, skip and cancel, through the real server as the SDK calls them (cancel is a Penstock
 * extension called the same way). Steps coordinate with the test through files in a shared folder:
 * a step writes its pid and waits for a "release" file, or fails until a "fixed" file exists.
 */
class RunControlE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  private final AbacusClient client = server.client();
  private final Path shared = SharedFolders.create();

  static final String SOURCE =
      """
      import os, pathlib, time

      def wait(shared):
          folder = pathlib.Path(shared)
          with open(folder / "pids", "a") as pids:
              # The pid the server sees: a step is PID 1 of a namespace of its own,
              # and /proc, the machine's, numbers it as the server does.
              pids.write(os.readlink("/proc/self") + "\\n")
          while not (folder / "release").exists():
              time.sleep(0.05)
          return 1

      def fragile(shared):
          if not (pathlib.Path(shared) / "fixed").exists():
              raise RuntimeError("not fixed yet")
          return 2

      def count(shared):
          with open(pathlib.Path(shared) / "count", "a") as runs:
              runs.write("x")
          return 3
      """;

  private StepRequest step(String name, String function) {
    return StepRequest.named(name)
        .source(SOURCE)
        .function(function)
        .input("shared", "STRING", shared.toString());
  }

  private JsonNode version(String versionId) {
    return client.call("describePipelineVersion", params("pipelineVersion", versionId));
  }

  private List<Long> pids() throws IOException {
    Path file = shared.resolve("pids");
    if (!Files.exists(file)) {
      return List.of();
    }
    return Files.readAllLines(file).stream()
        .filter(l -> !l.isBlank())
        .map(Long::parseLong)
        .toList();
  }

  private void awaitPids(int count) {
    await().atMost(Duration.ofSeconds(30)).until(() -> pids().size() >= count);
  }

  private static void awaitGone(long pid) {
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
  }

  private void touch(String name) throws IOException {
    Files.writeString(shared.resolve(name), "x");
  }

  private int runsCounted() throws IOException {
    Path file = shared.resolve("count");
    return Files.exists(file) ? Files.readString(file).length() : 0;
  }

  @Test
  void a_failed_step_is_rerun_with_its_downstream_and_the_upstream_output_is_kept()
      throws Exception {
    String pipelineId = createPipeline(client, Steps.uniqueName("rerun_failed"));
    step("first", "count").output("three", "INTEGER").addTo(client, pipelineId);
    step("fragile", "fragile").after("first").addTo(client, pipelineId);
    step("after", "count").after("fragile").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    JsonNode failed = Steps.awaitFinished(client, versionId);
    assertThat(failed.path("status").asText()).isEqualTo("FAILED");
    assertThat(stepVersion(failed, "after").path("status").asText()).isEqualTo("SKIPPED");
    touch("fixed");

    JsonNode reset =
        client.call(
            "resetPipelineVersion",
            params(
                "pipelineVersion",
                versionId,
                "steps",
                List.of("fragile"),
                "includeDownstreamSteps",
                true));

    assertThat(reset.path("pipelineVersion").asText()).isEqualTo(versionId);
    assertThat(reset.path("trigger").asText()).isEqualTo("RESET");
    JsonNode done = Steps.awaitFinished(client, versionId);
    assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(done.path("error").isNull()).isTrue();
    JsonNode fragile = stepVersion(done, "fragile");
    assertThat(fragile.path("attempt").asInt()).isEqualTo(2);
    assertThat(fragile.path("attempts")).hasSize(2);
    assertThat(fragile.path("attempts").get(0).path("status").asText()).isEqualTo("FAILED");
    assertThat(fragile.path("attempts").get(0).path("error").asText()).contains("not fixed yet");
    assertThat(fragile.path("attempts").get(1).path("status").asText()).isEqualTo("COMPLETE");
    assertThat(stepVersion(done, "after").path("status").asText()).isEqualTo("COMPLETE");
    assertThat(stepVersion(done, "first").path("attempt").asInt()).as("not rerun").isEqualTo(1);
    assertThat(outputValue(done, "first", "three").asInt()).isEqualTo(3);
    assertThat(runsCounted()).as("first once, after once").isEqualTo(2);
  }

  @Test
  void a_rerun_without_downstream_leaves_skipped_steps_skipped() throws Exception {
    String pipelineId = createPipeline(client, Steps.uniqueName("rerun_alone"));
    step("fragile", "fragile").addTo(client, pipelineId);
    step("after", "count").after("fragile").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    Steps.awaitFinished(client, versionId);
    touch("fixed");

    client.call(
        "resetPipelineVersion",
        params(
            "pipelineVersion",
            versionId,
            "steps",
            List.of("fragile"),
            "includeDownstreamSteps",
            false));

    JsonNode done = Steps.awaitFinished(client, versionId);
    assertThat(stepVersion(done, "fragile").path("status").asText()).isEqualTo("COMPLETE");
    assertThat(stepVersion(done, "after").path("status").asText()).isEqualTo("SKIPPED");
    assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(runsCounted()).isZero();
  }

  @Test
  void a_complete_step_can_be_rerun_and_keeps_its_first_attempt() throws Exception {
    String pipelineId = createPipeline(client, Steps.uniqueName("rerun_complete"));
    step("count", "count").output("three", "INTEGER").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    Steps.awaitFinished(client, versionId);

    client.call(
        "resetPipelineVersion",
        params(
            "pipelineVersion",
            versionId,
            "steps",
            List.of("count"),
            "includeDownstreamSteps",
            true));

    JsonNode done = Steps.awaitFinished(client, versionId);
    JsonNode count = stepVersion(done, "count");
    assertThat(count.path("attempts")).hasSize(2);
    // The run shows each attempt without its values; the step version on its own has them.
    assertThat(count.path("attempts").get(0).has("outputVariableMappings")).isFalse();
    JsonNode alone =
        client.call(
            "describePipelineStepVersion",
            params("pipelineStepVersion", count.path("pipelineStepVersion").asText()));
    assertThat(
            alone
                .path("attempts")
                .get(0)
                .path("outputVariableMappings")
                .get(0)
                .path("value")
                .asInt())
        .isEqualTo(3);
    assertThat(runsCounted()).isEqualTo(2);
  }

  @Test
  void a_reset_without_steps_reruns_every_step_as_the_sdks_reset_does() throws Exception {
    String pipelineId = createPipeline(client, Steps.uniqueName("rerun_all"));
    step("count", "count").output("three", "INTEGER").addTo(client, pipelineId);
    step("again", "count").output("other", "INTEGER").after("count").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    Steps.awaitFinished(client, versionId);

    JsonNode reset = client.call("resetPipelineVersion", params("pipelineVersion", versionId));

    assertThat(reset.path("trigger").asText()).isEqualTo("RESET");
    JsonNode done = Steps.awaitFinished(client, versionId);
    assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(stepVersion(done, "count").path("attempts")).hasSize(2);
    assertThat(stepVersion(done, "again").path("attempts")).hasSize(2);
    assertThat(runsCounted()).isEqualTo(4);
  }

  @Test
  void a_reset_of_a_running_step_stops_its_process_and_runs_it_again() throws Exception {
    String pipelineId = createPipeline(client, Steps.uniqueName("reset_running"));
    step("wait", "wait").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    awaitPids(1);
    long first = pids().get(0);

    client.call(
        "resetPipelineVersion",
        params(
            "pipelineVersion",
            versionId,
            "steps",
            List.of("wait"),
            "includeDownstreamSteps",
            true));

    awaitGone(first);
    awaitPids(2);
    touch("release");
    JsonNode done = Steps.awaitFinished(client, versionId);
    JsonNode wait = stepVersion(done, "wait");
    assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(wait.path("attempt").asInt()).isEqualTo(2);
    assertThat(wait.path("attempts").get(0).path("status").asText()).isEqualTo("INTERRUPTED");
    assertThat(Steps.logs(client, wait))
        .contains("attempt 2 of step 'wait' starts: rerun requested");
  }

  @Test
  void skip_pending_skips_what_has_not_started_and_lets_running_steps_finish() throws Exception {
    String pipelineId = createPipeline(client, Steps.uniqueName("skip"));
    step("wait", "wait").addTo(client, pipelineId);
    step("later", "count").after("wait").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    awaitPids(1);

    JsonNode skipped =
        client.call("skipPendingPipelineVersionSteps", params("pipelineVersion", versionId));

    assertThat(stepVersion(skipped, "later").path("status").asText()).isEqualTo("SKIPPED");
    assertThat(stepVersion(skipped, "wait").path("status").asText()).isEqualTo("RUNNING");
    touch("release");
    JsonNode done = Steps.awaitFinished(client, versionId);
    assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(stepVersion(done, "wait").path("status").asText()).isEqualTo("COMPLETE");
    assertThat(runsCounted()).isZero();
  }

  @Test
  void cancel_stops_the_running_process_and_ends_everything_cancelled_once() throws Exception {
    String pipelineId = createPipeline(client, Steps.uniqueName("cancel"));
    step("wait", "wait").addTo(client, pipelineId);
    step("later", "count").after("wait").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    awaitPids(1);

    JsonNode cancelled = client.call("cancelPipelineVersion", params("pipelineVersion", versionId));

    assertThat(cancelled.path("status").asText()).isEqualTo("CANCELLED");
    assertThat(stepVersion(cancelled, "wait").path("status").asText()).isEqualTo("CANCELLED");
    assertThat(stepVersion(cancelled, "later").path("status").asText()).isEqualTo("CANCELLED");
    awaitGone(pids().get(0));
    JsonNode again = client.call("cancelPipelineVersion", params("pipelineVersion", versionId));
    assertThat(again.path("completedAt").asText())
        .isEqualTo(cancelled.path("completedAt").asText());
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> version(versionId).path("status").asText().equals("CANCELLED"));
    assertThat(runsCounted()).isZero();
  }

  @Test
  void bad_control_requests_get_clear_errors_and_change_nothing() throws Exception {
    String pipelineId = createPipeline(client, Steps.uniqueName("bad_control"));
    step("count", "count").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    JsonNode before = Steps.awaitFinished(client, versionId);

    assertFails(
        () ->
            client.call(
                "resetPipelineVersion",
                params(
                    "pipelineVersion",
                    versionId,
                    "steps",
                    List.of("nope"),
                    "includeDownstreamSteps",
                    true)),
        400,
        "InvalidParameterError",
        "no step named nope");
    assertFails(
        () ->
            client.call(
                "resetPipelineVersion",
                params(
                    "pipelineVersion",
                    versionId,
                    "steps",
                    List.of(),
                    "includeDownstreamSteps",
                    true)),
        400,
        "InvalidParameterError",
        "steps must name at least one step");
    assertFails(
        () -> client.call("cancelPipelineVersion", params("pipelineVersion", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () -> client.call("skipPendingPipelineVersionSteps", params("pipelineVersion", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertThat(version(versionId)).isEqualTo(before);
  }

  @Test
  void a_pipeline_with_a_run_in_progress_cannot_be_deleted_but_its_steps_can() throws Exception {
    String pipelineId = createPipeline(client, Steps.uniqueName("delete_busy"));
    step("wait", "wait").addTo(client, pipelineId);
    step("other", "count").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    awaitPids(1);

    assertFails(
        () -> client.call("deletePipeline", params("pipelineId", pipelineId)),
        409,
        "ConflictError",
        versionId);
    String otherStep =
        client
            .call(
                "describePipelineStepByName", params("pipelineId", pipelineId, "stepName", "other"))
            .path("pipelineStepId")
            .asText();
    client.call("deletePipelineStep", params("pipelineStepId", otherStep));

    touch("release");
    JsonNode done = Steps.awaitFinished(client, versionId);
    assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(stepVersion(done, "other").path("status").asText())
        .as("the run keeps its own snapshot")
        .isEqualTo("COMPLETE");
    client.call("deletePipeline", params("pipelineId", pipelineId));
  }
}
