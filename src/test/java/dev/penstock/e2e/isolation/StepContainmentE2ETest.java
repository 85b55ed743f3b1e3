package dev.penstock.e2e.isolation;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static dev.penstock.testing.Steps.stepVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.Processes;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a step can take from the machine, in each way steps are started (the subclasses): every
 * process it started ends with it, however it ends, and its processes, files and working directory
 * are bounded. Each test's daemon runs {@code sleep} with an argument no other process has, so the
 * test can look for it among all processes.
 */
abstract class StepContainmentE2ETest {
  static final int PROCESS_LIMIT = 40;

  static final String SOURCE =
      """
      import os, time

      def daemon(marker):
          # Started, then double-forked into a new session: not the step's child, not in its group.
          ready, announce = os.pipe()
          if os.fork() == 0:
              os.setsid()
              if os.fork() == 0:
                  os.write(announce, b"x")
                  os.execv("/bin/sleep", ["sleep", marker])
              os._exit(0)
          os.read(ready, 1)
          return ["started"]

      def daemon_then_wait(marker):
          daemon(marker)
          time.sleep(600)

      def fork_bomb():
          children = 0
          try:
              while True:
                  if os.fork() == 0:
                      time.sleep(600)
                      os._exit(0)
                  children += 1
          except OSError as error:
              return [children, error.errno]

      def big_file():
          with open("big", "wb") as file:
              file.write(b"x" * (2 * 1024 * 1024))

      def fill_disk():
          for n in range(5):
              with open(f"part-{n}", "wb") as file:
                  file.write(b"x" * (900 * 1024))
          time.sleep(600)
      """;

  /** The settings of the subclass's way of starting steps, with small limits. */
  static Map<ConfigKey, String> settings(Map<ConfigKey, String> way) {
    var settings = new EnumMap<ConfigKey, String>(ConfigKey.class);
    settings.put(ConfigKey.STEP_PROCESS_LIMIT, Integer.toString(PROCESS_LIMIT));
    settings.put(ConfigKey.STEP_FILE_SIZE_LIMIT, "1MB");
    settings.put(ConfigKey.STEP_DISK_BUDGET, "3MB");
    settings.putAll(way);
    return settings;
  }

  abstract TestServer server();

  @Test
  void a_double_forked_daemon_is_gone_once_its_step_has_ended() throws IOException {
    String marker = marker();
    JsonNode version = runStep("daemon", StepRequest.named("s").input("marker", "STRING", marker));
    assertThat(outputValue(version, "s", "out").path(0).asText()).isEqualTo("started");
    awaitGone(marker);
  }

  @Test
  void a_double_forked_daemon_is_gone_once_its_run_is_cancelled() throws IOException {
    String marker = marker();
    AbacusClient client = server().client();
    String pipelineId = createPipeline(client, Steps.uniqueName("daemon"));
    StepRequest.named("s")
        .source(SOURCE)
        .function("daemon_then_wait")
        .input("marker", "STRING", marker)
        .addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    await().atMost(Duration.ofSeconds(30)).until(() -> running(marker));
    client.call("cancelPipelineVersion", params("pipelineVersion", versionId));
    assertThat(server().awaitFinished(versionId).path("status").asText()).isEqualTo("CANCELLED");
    awaitGone(marker);
  }

  @Test
  void a_daemon_is_gone_once_the_server_has_stopped() throws IOException {
    String marker = marker();
    try (TestServer own = TestServer.start(server().settings())) {
      AbacusClient client = own.client();
      String pipelineId = createPipeline(client, Steps.uniqueName("daemon"));
      StepRequest.named("s")
          .source(SOURCE)
          .function("daemon_then_wait")
          .input("marker", "STRING", marker)
          .addTo(client, pipelineId);
      Steps.run(client, pipelineId, List.of());
      await().atMost(Duration.ofSeconds(30)).until(() -> running(marker));
    }
    awaitGone(marker);
  }

  @Test
  void a_step_past_its_process_limit_gets_an_error_from_fork() {
    JsonNode version = runStep("fork_bomb", StepRequest.named("s"));
    JsonNode found = outputValue(version, "s", "out");
    assertThat(found.get(1).asInt()).as("errno").isEqualTo(11); // EAGAIN
    assertThat(found.get(0).asInt()).isBetween(PROCESS_LIMIT / 2, PROCESS_LIMIT - 1);
  }

  @Test
  void a_step_writing_a_file_past_its_size_limit_fails_with_efbig() {
    JsonNode step = stepVersion(runStep("big_file", StepRequest.named("s")), "s");
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("error").asText()).contains("OSError: [Errno 27] File too large");
  }

  @Test
  void a_step_past_its_disk_budget_is_stopped_and_what_it_wrote_deleted() {
    JsonNode step = stepVersion(runStep("fill_disk", StepRequest.named("s")), "s");
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("error").asText())
        .isEqualTo("wrote more than 3 MB into its working directory");
    assertThat(step.path("attempts").get(0).path("failureCause").asText())
        .isEqualTo("DISK_EXCEEDED");
    Path workDir =
        server()
            .dataDir()
            .resolve("runs")
            .resolve(step.path("pipelineVersion").asText())
            .resolve("work")
            .resolve(step.path("pipelineStepVersion").asText() + "-1");
    assertThat(workDir).doesNotExist();
  }

  private JsonNode runStep(String function, StepRequest step) {
    AbacusClient client = server().client();
    String pipelineId = createPipeline(client, Steps.uniqueName(function));
    step.source(SOURCE).function(function).output("out", "JSON").addTo(client, pipelineId);
    return server().awaitFinished(Steps.run(client, pipelineId, List.of()), Duration.ofSeconds(90));
  }

  private static String marker() {
    return "1000." + System.nanoTime();
  }

  private static void awaitGone(String marker) {
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> !running(marker));
  }

  static boolean running(String marker) {
    return Processes.running("sleep", marker);
  }
}
