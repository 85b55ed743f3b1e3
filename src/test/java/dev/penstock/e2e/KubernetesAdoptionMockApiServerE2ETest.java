package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.logs;
import static dev.penstock.testing.Steps.outputValue;
import static dev.penstock.testing.Steps.stepVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ServerProcess;
import dev.penstock.testing.SharedFolders;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestKubelet;
import dev.penstock.testing.TestWheels;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server running a step as a Kubernetes Job is killed with SIGKILL; started again on the same
 * data directory, it takes the Job up where it stands: no second Job is created, the step's log
 * goes on without a line twice, and the step's result completes the run. Against fabric8's mock API
 * server in CRUD mode with the {@link TestKubelet}, which outlives both servers as a cluster would:
 * no Kubernetes cluster can run here.
 */
class KubernetesAdoptionMockApiServerE2ETest {
  @TempDir Path dataDir;
  @TempDir Path scratch;

  private static final String STEP =
      """
      import os, time

      def patient(marker):
          print("line 1", flush=True)
          time.sleep(0.3)
          print("line 2", flush=True)
          while not os.path.exists(marker):
              time.sleep(0.05)
          print("after the marker", flush=True)
          return 7
      """;

  @Test
  void a_server_killed_while_its_job_runs_adopts_the_job_after_restart() throws Exception {
    Path marker = SharedFolders.create().resolve("go");
    String port = Integer.toString(freePort());
    try (TestKubelet kubelet = TestKubelet.start(scratch)) {
      String[] args = {"--executor", "kubernetes", "--kubernetes-resync", "1s", "--port", port};
      String versionId;
      String stepVersionId;
      try (ServerProcess first =
          ServerProcess.startWithEnvironment(dataDir, kubelet.clientEnvironment(), args)) {
        AbacusClient client = first.client();
        String pipelineId = createPipeline(client, Steps.uniqueName("adopted"));
        StepRequest.named("patient")
            .source(STEP)
            .function("patient")
            .input("marker", "STRING", marker.toString())
            .output("result", "INTEGER")
            .addTo(client, pipelineId);
        versionId = Steps.run(client, pipelineId, List.of());
        String[] id = new String[1];
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  JsonNode version =
                      client.call("describePipelineVersion", params("pipelineVersion", versionId));
                  id[0] = stepVersion(version, "patient").path("pipelineStepVersion").asText();
                  return logs(client, id[0]).contains("line 2");
                });
        stepVersionId = id[0];
        first.kill();
      }
      String job = KubernetesMockApiServerE2ETest.jobOf(stepVersionId, 1);
      assertThat(kubelet.running(job)).as("the Job outlives its server").isTrue();

      try (ServerProcess second =
          ServerProcess.startWithEnvironment(dataDir, kubelet.clientEnvironment(), args)) {
        AbacusClient client = second.client();
        Files.writeString(marker, "go");

        JsonNode version = Steps.awaitFinished(client, versionId);

        assertThat(version.path("status").asText()).as(version.toString()).isEqualTo("COMPLETE");
        assertThat(outputValue(version, "patient", "result").asInt()).isEqualTo(7);
        String log = logs(client, stepVersion(version, "patient"));
        assertThat(count(log, "line 1")).as(log).isEqualTo(1);
        assertThat(count(log, "line 2")).as(log).isEqualTo(1);
        assertThat(count(log, "after the marker")).as(log).isEqualTo(1);
        assertThat(kubelet.jobsCreated()).filteredOn(name -> name.equals(job)).hasSize(1);
        assertThat(kubelet.jobsCreated())
            .noneMatch(name -> name.equals(KubernetesMockApiServerE2ETest.jobOf(stepVersionId, 2)));
        assertThat(second.output()).anyMatch(line -> line.contains("Adopted Job " + job));
      }
    }
  }

  @Test
  void package_requirements_are_installed_in_the_pod_with_the_servers_pip_settings()
      throws Exception {
    Path wheels = scratch.resolve("wheels");
    TestWheels.write(wheels, "penstock-podpkg", "1.2");
    var environment = new java.util.HashMap<String, String>();
    try (TestKubelet kubelet = TestKubelet.start(scratch)) {
      environment.putAll(kubelet.clientEnvironment());
      environment.putAll(TestWheels.pipSettings(wheels));
      try (ServerProcess server =
          ServerProcess.startWithEnvironment(
              dataDir, environment, "--executor", "kubernetes", "--kubernetes-resync", "1s")) {
        AbacusClient client = server.client();
        String pipelineId = createPipeline(client, Steps.uniqueName("packages"));
        StepRequest.named("installed")
            .source(
                "import penstock_podpkg\n\ndef installed():\n    return penstock_podpkg.VERSION\n")
            .function("installed")
            .requirements("penstock-podpkg==1.2")
            .output("version", "STRING")
            .addTo(client, pipelineId);
        StepRequest.named("missing")
            .source("def missing():\n    return 1\n")
            .function("missing")
            .requirements("penstock-nowhere==9.9")
            .addTo(client, pipelineId);

        JsonNode version = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));

        assertThat(outputValue(version, "installed", "version").asText()).isEqualTo("1.2");
        JsonNode missing = stepVersion(version, "missing");
        assertThat(missing.path("status").asText()).isEqualTo("FAILED");
        assertThat(missing.path("error").asText())
            .startsWith("pip could not install penstock-nowhere==9.9:")
            .contains("No matching distribution found for penstock-nowhere==9.9");
        assertThat(missing.path("attempts").get(0).path("failureCause").asText())
            .isEqualTo("MISSING_PACKAGES");
      }
    }
  }

  private static int count(String text, String line) {
    return (int)
        Pattern.compile("^" + Pattern.quote(line) + "$", Pattern.MULTILINE)
            .matcher(text)
            .results()
            .count();
  }

  private static int freePort() throws IOException {
    try (var socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
