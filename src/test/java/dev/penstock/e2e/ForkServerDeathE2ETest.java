package dev.penstock.e2e;

import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.logs;
import static dev.penstock.testing.Steps.run;
import static dev.penstock.testing.Steps.stepVersion;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step kills the fork server that forked it ({@code os.kill(os.getppid(), 9)}, as issue 9 found
 * any step can): that is the platform's fault, not the steps', so every step the fork server ran
 * goes back to PENDING without using a retry and runs again on a new fork server; a step that does
 * it every time fails after three such reruns, saying so.
 */
class ForkServerDeathE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();

  private static final String SOURCE =
      """
      import os, pathlib, signal, time

      def kill_once(shared):
          folder = pathlib.Path(shared)
          if (folder / "killed").exists():
              return 1
          deadline = time.time() + 30
          while not (folder / "bystander").exists() and time.time() < deadline:
              time.sleep(0.02)
          (folder / "killed").touch()
          os.kill(os.getppid(), signal.SIGKILL)
          time.sleep(30)

      def bystander(shared):
          (pathlib.Path(shared) / "bystander").touch()
          time.sleep(1)
          return 2

      def kill_always():
          os.kill(os.getppid(), signal.SIGKILL)
          time.sleep(30)
      """;

  private final AbacusClient client = server.client();
  @TempDir Path shared;

  @Test
  void the_steps_of_a_killed_fork_server_run_again_without_using_a_retry() {
    String pipelineId = createPipeline(client, uniqueName("killer"));
    StepRequest.named("killer")
        .source(SOURCE)
        .function("kill_once")
        .input("shared", "STRING", shared.toString())
        .output("k", "INTEGER")
        .addTo(client, pipelineId);
    StepRequest.named("bystander")
        .source(SOURCE)
        .function("bystander")
        .input("shared", "STRING", shared.toString())
        .output("b", "INTEGER")
        .addTo(client, pipelineId);

    JsonNode version =
        server.awaitFinished(run(client, pipelineId, List.of()), Duration.ofSeconds(60));

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
  void a_step_that_kills_its_fork_server_every_time_fails_after_three_reruns_saying_so() {
    String pipelineId = createPipeline(client, uniqueName("always"));
    StepRequest.named("always").source(SOURCE).function("kill_always").addTo(client, pipelineId);

    JsonNode version =
        server.awaitFinished(run(client, pipelineId, List.of()), Duration.ofSeconds(90));

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
