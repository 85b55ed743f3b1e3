package dev.penstock.e2e;

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
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A step's timeout is in minutes and the smallest is one, so this test takes a minute: the step and
 * the child process it spawned are killed, and the step fails saying it timed out.
 */
class StepTimeoutE2ETest {
  private final Path shared = SharedFolders.create();

  @Test
  void a_step_past_its_timeout_is_killed_with_its_children_and_fails_saying_so() throws Exception {
    try (TestServer server = TestServer.start()) {
      AbacusClient client = server.client();
      String pipelineId = createPipeline(client, Steps.uniqueName("timeout"));
      String source =
          """
          import os, subprocess, time

          def forever(shared):
              child = subprocess.Popen(["sleep", "600"])
              # Its pid as the server sees it: the step has a PID namespace of its own,
              # and /proc, the machine's, numbers processes as the server does.
              me = os.readlink("/proc/self")
              with open(f"/proc/{me}/task/{me}/children") as children:
                  pid = children.read().split()[0]
              with open(shared + "/child", "w") as f:
                  f.write(pid)
              time.sleep(600)
          """;
      StepRequest.named("forever")
          .source(source)
          .function("forever")
          .timeout(1)
          .input("shared", "STRING", shared.toString())
          .addTo(client, pipelineId);
      String versionId = Steps.run(client, pipelineId, List.of());
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(shared.resolve("child")));
      long child = Long.parseLong(Files.readString(shared.resolve("child")).trim());

      JsonNode version = server.awaitFinished(versionId, Duration.ofSeconds(120));

      JsonNode step = stepVersion(version, "forever");
      assertThat(step.path("status").asText()).isEqualTo("FAILED");
      assertThat(step.path("error").asText()).isEqualTo("timed out after 1 minute");
      assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }
  }
}
