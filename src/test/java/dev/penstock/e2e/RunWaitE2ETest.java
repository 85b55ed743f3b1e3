package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.ApiAssertions.assertFails;
import static dev.penstock.testing.Steps.createPipeline;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The extension waitForPipelineVersion, through the real server: one request that answers when the
 * run ends, however it ends, or with the open run when its timeout passes. The step holds the run
 * open until the test writes a "release" file.
 */
class RunWaitE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  private final AbacusClient client = server.client();
  private final Path shared = SharedFolders.create();

  private static final String SOURCE =
      """
      import pathlib, time

      def hold(shared):
          folder = pathlib.Path(shared)
          (folder / "started").write_text("x")
          while not (folder / "release").exists():
              time.sleep(0.02)
          return 1
      """;

  private String startHeldRun() {
    String pipelineId = createPipeline(client, Steps.uniqueName("wait"));
    StepRequest.named("hold")
        .source(SOURCE)
        .function("hold")
        .input("shared", "STRING", shared.toString())
        .addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(shared.resolve("started")));
    return versionId;
  }

  private JsonNode waitFor(String versionId, int timeoutSeconds) {
    return client.call(
        "waitForPipelineVersion", params("pipelineVersion", versionId, "timeout", timeoutSeconds));
  }

  @Test
  void a_wait_answers_with_the_finished_run_once_it_has_ended() throws Exception {
    String versionId = startHeldRun();
    var waiting = CompletableFuture.supplyAsync(() -> waitFor(versionId, 20));
    Thread.sleep(300); // the wait is under way, on a run that cannot end without the release

    Files.writeString(shared.resolve("release"), "x");
    JsonNode ended = waiting.get(30, TimeUnit.SECONDS);

    assertThat(ended.path("pipelineVersion").asText()).isEqualTo(versionId);
    assertThat(ended.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(Steps.stepVersion(ended, "hold").path("status").asText()).isEqualTo("COMPLETE");
  }

  @Test
  void a_wait_whose_timeout_passes_answers_with_the_run_still_open() throws Exception {
    String versionId = startHeldRun();

    JsonNode open = waitFor(versionId, 1);

    assertThat(open.path("status").asText()).isEqualTo("RUNNING");
    Files.writeString(shared.resolve("release"), "x");
    assertThat(waitFor(versionId, 20).path("status").asText()).isEqualTo("COMPLETE");
    assertThat(waitFor(versionId, 0).path("status").asText())
        .as("an ended run answers at once")
        .isEqualTo("COMPLETE");
  }

  @Test
  void a_cancel_ends_the_wait_with_the_cancelled_run() throws Exception {
    String versionId = startHeldRun();
    var waiting = CompletableFuture.supplyAsync(() -> waitFor(versionId, 20));
    Thread.sleep(300);

    client.call("cancelPipelineVersion", params("pipelineVersion", versionId));

    assertThat(waiting.get(30, TimeUnit.SECONDS).path("status").asText()).isEqualTo("CANCELLED");
  }

  @Test
  void a_bad_wait_is_refused_in_the_api_envelope() {
    assertFails(
        () -> waitFor("nope", 1), 404, "DataNotFoundError", "Pipeline version not found: nope");
    String versionId = startHeldRun();
    assertFails(
        () -> waitFor(versionId, 26),
        400,
        "InvalidParameterError",
        "timeout must be from 0 to 25 seconds, not 26");
    assertFails(
        () -> waitFor(versionId, -1),
        400,
        "InvalidParameterError",
        "timeout must be from 0 to 25 seconds, not -1");
    assertFails(
        () -> client.call("waitForPipelineVersion", params("timeout", 1)),
        400,
        "MissingParameterError",
        "pipelineVersion");
  }
}
