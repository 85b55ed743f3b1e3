package dev.penstock.e2e;

import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.logs;
import static dev.penstock.testing.Steps.outputValue;
import static dev.penstock.testing.Steps.stepVersion;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestKubelet;
import dev.penstock.testing.TestServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes executor end to end through the real HTTP server, against fabric8's mock API
 * server in CRUD mode: no Kubernetes cluster can run here. {@link TestKubelet} plays the cluster's
 * controllers and kubelet, running each Job's pod as a local process with a real Python and the
 * real penstock_pod.py and runner, so everything but Kubernetes itself is real: the Job and Secret
 * the server creates, the code and inputs in the Secret, the result sent back over the internal
 * API, the log read from the pod, the statuses mapped to step errors.
 */
class KubernetesMockApiServerE2ETest {
  @TempDir static Path scratch;
  private static TestKubelet kubelet;
  private static TestServer server;

  @BeforeAll
  static void start() {
    kubelet = TestKubelet.start(scratch);
    kubelet.clientProperties().forEach(System::setProperty);
    server =
        TestServer.start(
            Map.of(
                ConfigKey.EXECUTOR, "kubernetes",
                ConfigKey.KUBERNETES_RESYNC, "1s",
                ConfigKey.KUBERNETES_PENDING_LIMIT, "2s"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    kubelet.clientProperties().keySet().forEach(System::clearProperty);
    kubelet.close();
  }

  @Test
  void the_walkthrough_pipeline_runs_its_steps_as_jobs_and_completes() {
    AbacusClient client = server.client();
    String pipelineId = createPipeline(client, Steps.uniqueName("walkthrough"));
    StepRequest.named("add")
        .source("def add(x, y):\n    print(\"adding\", x, y)\n    return x + y\n")
        .function("add")
        .fromVariable("x", "INTEGER", "x")
        .input("y", "INTEGER", 10)
        .output("total", "INTEGER")
        .addTo(client, pipelineId);
    StepRequest.named("double")
        .source("def double(total):\n    return total * 2\n")
        .function("double")
        .fromVariable("total", "INTEGER", "total")
        .output("doubled", "INTEGER")
        .after("add")
        .addTo(client, pipelineId);

    String versionId = Steps.run(client, pipelineId, List.of(Steps.input("x", "INTEGER", 5, null)));
    JsonNode version = Steps.awaitFinished(client, versionId);

    assertThat(version.path("status").asText()).as(version.toString()).isEqualTo("COMPLETE");
    assertThat(outputValue(version, "double", "doubled").asInt()).isEqualTo(30);
    assertThat(logs(client, stepVersion(version, "add"))).contains("adding 5 10");
    String add = stepVersion(version, "add").path("pipelineStepVersion").asText();
    assertThat(kubelet.jobsCreated()).anyMatch(name -> name.contains(add.toLowerCase()));
  }
}
