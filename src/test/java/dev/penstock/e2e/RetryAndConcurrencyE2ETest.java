package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.ApiAssertions.assertFails;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.stepVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.SharedFolders;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Penstock's extensions for retries (retries, retryDelay, retryBackoff, retryOn on a step) and for
 * concurrency (maxConcurrentRuns on a pipeline), through the real server; SchedulerTest checks that
 * runs share the slots fairly.
 */
class RetryAndConcurrencyE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  private final AbacusClient client = server.client();
  private final Path shared = SharedFolders.create();

  static final String SOURCE =
      """
      import pathlib, time

      def flaky(shared, succeed_on):
          counter = pathlib.Path(shared) / "attempts"
          with open(counter, "a") as f:
              f.write("x")
          tried = len(counter.read_text())
          if tried < succeed_on:
              raise RuntimeError(f"flaky failure {tried}")
          return tried

      def wait(shared, name):
          while not (pathlib.Path(shared) / name).exists():
              time.sleep(0.05)
          return name
      """;

  private StepRequest flaky(int succeedOn) {
    return StepRequest.named("flaky")
        .source(SOURCE)
        .function("flaky")
        .input("shared", "STRING", shared.toString())
        .input("succeed_on", "INTEGER", succeedOn)
        .output("tried", "INTEGER");
  }

  private static OffsetDateTime time(JsonNode attempt, String field) {
    return OffsetDateTime.parse(attempt.path(field).asText());
  }

  @Test
  void a_flaky_step_is_retried_with_backoff_and_keeps_every_attempt() {
    String pipelineId = createPipeline(client, Steps.uniqueName("retry"));
    flaky(3)
        .with("retries", 3)
        .with("retryDelay", 0.3)
        .with("retryBackoff", 2)
        .addTo(client, pipelineId);

    JsonNode done = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));

    assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
    JsonNode step = stepVersion(done, "flaky");
    assertThat(step.path("attempt").asInt()).isEqualTo(3);
    assertThat(step.path("retries").asInt()).isEqualTo(3);
    JsonNode attempts = step.path("attempts");
    assertThat(Steps.names(attempts, "status")).containsExactly("FAILED", "FAILED", "COMPLETE");
    assertThat(attempts.get(0).path("error").asText()).contains("RuntimeError: flaky failure 1");
    assertThat(attempts.get(0).path("reason").asText()).startsWith("retry 1 of 3 after attempt 1");
    Duration firstWait =
        Duration.between(time(attempts.get(0), "completedAt"), time(attempts.get(1), "startedAt"));
    Duration secondWait =
        Duration.between(time(attempts.get(1), "completedAt"), time(attempts.get(2), "startedAt"));
    assertThat(firstWait).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(secondWait)
        .as("backoff doubles the delay")
        .isGreaterThanOrEqualTo(Duration.ofMillis(600));
    assertThat(Steps.logs(client, step))
        .contains("[penstock] attempt 1 failed; retry 1 of 3 starts in 0.3 s")
        .contains(
            "[penstock] attempt 3 of step 'flaky' starts: retry 2 of 3 after attempt 2 failed");
  }

  @Test
  void a_step_fails_for_good_once_its_retries_are_spent() {
    String pipelineId = createPipeline(client, Steps.uniqueName("retry_spent"));
    flaky(99).with("retries", 1).addTo(client, pipelineId);

    JsonNode done = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));

    assertThat(done.path("status").asText()).isEqualTo("FAILED");
    JsonNode step = stepVersion(done, "flaky");
    assertThat(Steps.names(step.path("attempts"), "status")).containsExactly("FAILED", "FAILED");
    assertThat(step.path("error").asText()).contains("flaky failure 2");
  }

  @Test
  void a_step_that_retries_only_timeouts_fails_at_once_on_an_error() {
    String pipelineId = createPipeline(client, Steps.uniqueName("retry_timeouts"));
    flaky(2).with("retries", 2).with("retryOn", "TIMEOUT").addTo(client, pipelineId);

    JsonNode done = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));

    assertThat(done.path("status").asText()).isEqualTo("FAILED");
    assertThat(stepVersion(done, "flaky").path("attempts")).hasSize(1);
  }

  @Test
  void bad_retry_and_concurrency_settings_get_clear_errors_and_change_nothing() {
    String pipelineId = createPipeline(client, Steps.uniqueName("bad_settings"));
    assertFails(
        () -> flaky(1).with("retries", -1).addTo(client, pipelineId),
        400,
        "InvalidParameterError",
        "retries must be between 0 and 100, not -1");
    assertFails(
        () -> flaky(1).with("retryOn", "SOMETIMES").addTo(client, pipelineId),
        400,
        "InvalidParameterError",
        "retryOn 'SOMETIMES'");
    assertFails(
        () ->
            client.call(
                "updatePipeline", params("pipelineId", pipelineId, "maxConcurrentRuns", -2)),
        400,
        "InvalidParameterError",
        "maxConcurrentRuns");
    JsonNode pipeline = client.call("describePipeline", params("pipelineId", pipelineId));
    assertThat(pipeline.path("steps")).isEmpty();
    assertThat(pipeline.path("maxConcurrentRuns").isNull()).isTrue();
  }

  @Test
  void runs_over_max_concurrent_runs_wait_queued_and_start_oldest_first() throws Exception {
    String pipelineId =
        client
            .call(
                "createPipeline",
                params("pipelineName", Steps.uniqueName("queue"), "maxConcurrentRuns", 1))
            .path("pipelineId")
            .asText();
    StepRequest.named("wait")
        .source(SOURCE)
        .function("wait")
        .input("shared", "STRING", shared.toString())
        .fromVariable("name", "STRING", "release")
        .addTo(client, pipelineId);
    String first =
        Steps.run(client, pipelineId, List.of(Steps.input("release", "STRING", "a", null)));
    await().atMost(Duration.ofSeconds(10)).until(() -> status(first).equals("RUNNING"));
    String second =
        Steps.run(client, pipelineId, List.of(Steps.input("release", "STRING", "b", null)));
    String third =
        Steps.run(client, pipelineId, List.of(Steps.input("release", "STRING", "c", null)));

    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(3))
        .until(() -> status(second).equals("PENDING"));
    assertThat(status(third)).isEqualTo("PENDING");
    Files.writeString(shared.resolve("a"), "go");
    Files.writeString(shared.resolve("c"), "go");

    await().atMost(Duration.ofSeconds(10)).until(() -> status(second).equals("RUNNING"));
    assertThat(status(first)).isEqualTo("COMPLETE");
    assertThat(status(third)).as("still queued behind the second").isEqualTo("PENDING");
    Files.writeString(shared.resolve("b"), "go");
    assertThat(Steps.awaitFinished(client, third).path("status").asText()).isEqualTo("COMPLETE");
  }

  private String status(String versionId) {
    return client
        .call("describePipelineVersion", params("pipelineVersion", versionId))
        .path("status")
        .asText();
  }
}
