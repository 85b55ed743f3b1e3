package dev.penstock.e2e;

import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.logs;
import static dev.penstock.testing.Steps.run;
import static dev.penstock.testing.Steps.stepVersion;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.Processes;
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
 * The fork server dies under its steps (issue 9 found any step could kill it; the sandbox now keeps
 * steps from signalling it, so here the test kills it, as a crash or the OOM killer would): that is
 * the platform's fault, not the steps', so every step the fork server ran goes back to PENDING
 * without using a retry and runs again on a new fork server; a step whose fork server dies every
 * time fails after three such reruns, saying so.
 */
class ForkServerDeathE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();

  private static final String SOURCE =
      """
      import pathlib, time

      def hold(shared, name):
          folder = pathlib.Path(shared)
          with open(folder / ("started-" + name), "a") as starts:
              starts.write("x")
          deadline = time.time() + 30
          while not (folder / "release").exists() and time.time() < deadline:
              time.sleep(0.02)
          return 1
      """;

  private final AbacusClient client = server.client();
  private final Path shared = SharedFolders.create();

  private StepRequest holding(String name) {
    return StepRequest.named(name)
        .source(SOURCE)
        .function("hold")
        .input("shared", "STRING", shared.toString())
        .input("name", "STRING", name)
        .output("held", "INTEGER");
  }

  /** Waits for the named steps' {@code attempt}-th start, then kills every fork server. */
  private void killForkServersOnceStarted(int attempt, String... names) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> java.util.Arrays.stream(names).allMatch(name -> starts(name) >= attempt));
    List<Long> forkServers = Processes.forkServersOf(server.dataDir());
    assertThat(forkServers).isNotEmpty();
    forkServers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  private int starts(String name) {
    try {
      return Files.readString(shared.resolve("started-" + name)).length();
    } catch (IOException missing) {
      return 0;
    }
  }

  @Test
  void the_steps_of_a_killed_fork_server_run_again_without_using_a_retry() throws Exception {
    String pipelineId = createPipeline(client, uniqueName("killed"));
    holding("killer").addTo(client, pipelineId);
    holding("bystander").addTo(client, pipelineId);
    String versionId = run(client, pipelineId, List.of());
    killForkServersOnceStarted(1, "killer", "bystander");
    Files.createFile(shared.resolve("release"));

    JsonNode version = server.awaitFinished(versionId, Duration.ofSeconds(60));

    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    for (String name : List.of("killer", "bystander")) {
      JsonNode step = stepVersion(version, name);
      JsonNode attempts = step.path("attempts");
      assertThat(Steps.names(attempts, "status")).containsExactly("INTERRUPTED", "COMPLETE");
      assertThat(attempts.get(0).path("failureCause").asText()).isEqualTo("PLATFORM_FAULT");
      assertThat(attempts.get(0).path("reason").asText())
          .startsWith("attempt 1 was interrupted by a platform fault (rerun 1 of at most 3")
          .contains("the fork server for")
          .contains("died while the step ran");
      assertThat(logs(client, step))
          .contains("[penstock] attempt 1 was interrupted by a platform fault: the fork server")
          .contains("runs again in 1.0 s without using a retry")
          .contains(
              "[penstock] attempt 2 of step '" + name + "' starts: attempt 1 was interrupted");
    }
  }

  @Test
  void a_step_whose_fork_server_dies_every_time_fails_after_three_reruns_saying_so() {
    String pipelineId = createPipeline(client, uniqueName("always"));
    holding("always").addTo(client, pipelineId);
    String versionId = run(client, pipelineId, List.of());
    for (int attempt = 1; attempt <= 4; attempt++) {
      killForkServersOnceStarted(attempt, "always");
    }

    JsonNode version = server.awaitFinished(versionId, Duration.ofSeconds(90));

    assertThat(version.path("status").asText()).isEqualTo("FAILED");
    JsonNode step = stepVersion(version, "always");
    assertThat(step.path("error").asText())
        .startsWith(
            "gave up after 4 platform faults in a row (the step ran again 3 times without using a"
                + " retry): the fork server for")
        .endsWith("died while the step ran");
    assertThat(Steps.names(step.path("attempts"), "status"))
        .containsExactly("INTERRUPTED", "INTERRUPTED", "INTERRUPTED", "FAILED");
  }
}
