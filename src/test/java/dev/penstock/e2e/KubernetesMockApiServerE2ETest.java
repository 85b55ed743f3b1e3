package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.logs;
import static dev.penstock.testing.Steps.outputValue;
import static dev.penstock.testing.Steps.stepVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.SharedFolders;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestKubelet;
import dev.penstock.testing.TestServer;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
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
                ConfigKey.KUBERNETES_PENDING_LIMIT, "2s",
                ConfigKey.STEP_DISK_BUDGET, "4MB"));
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

  @Test
  void the_job_and_its_secret_carry_what_the_step_asks_for() throws Exception {
    AbacusClient client = server.client();
    String pipelineId = createPipeline(client, Steps.uniqueName("spec"));
    client.call(
        "updatePipeline", params("pipelineId", pipelineId, "stepImage", "team/python:3.12"));
    StepRequest.named("sized")
        .source("import helpers\n\ndef sized(n):\n    return helpers.twice(n)\n")
        .function("sized")
        .input("n", "INTEGER", 21)
        .output("result", "INTEGER")
        .cpuSize("medium")
        .memory(2)
        .timeout(5)
        .addTo(client, pipelineId);
    client.call(
        "createModule",
        params("name", "helpers", "sourceCode", "def twice(n):\n    return n * 2\n"));

    String versionId = Steps.run(client, pipelineId, List.of());
    JsonNode version = Steps.awaitFinished(client, versionId);

    assertThat(version.path("status").asText()).as(version.toString()).isEqualTo("COMPLETE");
    assertThat(outputValue(version, "sized", "result").asInt()).isEqualTo(42);
    String stepVersionId = stepVersion(version, "sized").path("pipelineStepVersion").asText();
    String name = jobOf(stepVersionId, 1);
    Job job = kubelet.job(name);
    assertThat(job.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "penstock")
        .containsEntry("penstock.dev/pipeline", pipelineId)
        .containsEntry("penstock.dev/pipeline-version", versionId)
        .containsEntry("penstock.dev/step", "sized")
        .containsEntry("penstock.dev/step-version", stepVersionId)
        .containsEntry("penstock.dev/attempt", "1")
        .containsEntry("penstock.dev/job", name);
    var spec = job.getSpec();
    assertThat(spec.getBackoffLimit()).isZero();
    assertThat(spec.getActiveDeadlineSeconds()).isEqualTo(300L);
    assertThat(spec.getTtlSecondsAfterFinished()).isEqualTo(3600);
    var pod = spec.getTemplate().getSpec();
    assertThat(spec.getTemplate().getMetadata().getLabels())
        .isEqualTo(job.getMetadata().getLabels());
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    assertThat(pod.getEnableServiceLinks()).isFalse();
    assertThat(pod.getContainers()).hasSize(1);
    var container = pod.getContainers().get(0);
    assertThat(container.getName()).isEqualTo("step");
    assertThat(container.getImage()).isEqualTo("team/python:3.12");
    assertThat(container.getCommand())
        .containsExactly("python3", "/penstock/attempt/penstock_pod.py");
    assertThat(container.getWorkingDir()).isEqualTo("/penstock/work");
    var resources = container.getResources();
    assertThat(resources.getRequests()).isEqualTo(resources.getLimits());
    assertThat(resources.getLimits().get("cpu").toString()).isEqualTo("2");
    assertThat(resources.getLimits().get("memory").toString()).isEqualTo("2Gi");
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getVolumeMounts())
        .extracting(m -> m.getName() + " " + m.getMountPath() + " " + m.getReadOnly())
        .containsExactly("attempt /penstock/attempt true", "work /penstock/work null");
    assertThat(pod.getVolumes().get(0).getSecret().getSecretName()).isEqualTo(name);
    assertThat(pod.getVolumes().get(1).getEmptyDir()).isNotNull();

    Secret secret = kubelet.secret(name);
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            owner -> {
              assertThat(owner.getKind()).isEqualTo("Job");
              assertThat(owner.getName()).isEqualTo(name);
              assertThat(owner.getUid()).isEqualTo(job.getMetadata().getUid());
              assertThat(owner.getController()).isTrue();
            });
    assertThat(secret.getData())
        .containsKeys("penstock_pod.py", "penstock_runner.py", "penstock_artifacts.py", "pod.json");
    JsonNode podJson =
        new ObjectMapper().readTree(Base64.getDecoder().decode(secret.getData().get("pod.json")));
    assertThat(podJson.path("server_url").asText()).isEqualTo(server.url());
    assertThat(podJson.path("attempt_path").asText())
        .isEqualTo("/internal/attempts/" + stepVersionId + "/1");
    assertThat(podJson.path("token").asText()).isNotBlank().doesNotStartWith("run-");
    assertThat(podJson.path("bundle").asBoolean()).isFalse();
    var files = new java.util.ArrayList<String>();
    podJson.path("files").forEach(file -> files.add(file.asText()));
    assertThat(files).contains("request.json", "modules/helpers.py");
    JsonNode environment = podJson.path("environment");
    assertThat(environment.path("ABACUS_API_SERVER").asText()).isEqualTo(server.url());
    assertThat(environment.path("PYTHONPATH").asText()).isEqualTo("/penstock/work/modules");
    assertThat(environment.path("PENSTOCK_OUTPUTS_DIR").asText())
        .isEqualTo("/penstock/work/outputs");
    assertThat(environment.path("ABACUS_API_KEY").asText()).startsWith("run-" + versionId);
  }

  @Test
  void an_exception_in_the_step_fails_it_with_the_traceback() {
    JsonNode step =
        runOne(
            "def broken():\n    raise ValueError('no such customer')\n",
            "broken",
            request -> request);
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("error").asText())
        .contains("ValueError: no such customer")
        .contains("line 2, in broken");
  }

  @Test
  void a_pod_killed_for_its_memory_fails_the_step_saying_it_exceeded_its_memory() {
    JsonNode step =
        runStopped("OOMKilled", request -> request.memory(3), name -> kubelet.oomKill(name));
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("error").asText()).isEqualTo("step exceeded its memory limit of 3 GB");
  }

  @Test
  void a_job_past_its_deadline_fails_the_step_saying_it_timed_out() {
    JsonNode step =
        runStopped("deadline", request -> request.timeout(1), name -> kubelet.expireDeadline(name));
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("error").asText()).isEqualTo("timed out after 1 minute");
  }

  @Test
  void an_image_that_cannot_be_pulled_fails_the_step_with_kubernetes_message() {
    JsonNode step = runOnImage("unpullable.example/python:9");
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("error").asText())
        .isEqualTo(
            "Kubernetes could not pull the step's image unpullable.example/python:9"
                + " (ImagePullBackOff): Back-off pulling image \"unpullable.example/python:9\"");
    assertThat(kubelet.job(jobOf(step.path("pipelineStepVersion").asText(), 1)))
        .as("the Job of a pod that cannot start is deleted")
        .isNull();
  }

  @Test
  void a_pod_that_finds_no_node_fails_the_step_with_kubernetes_message() {
    JsonNode step = runOnImage("unschedulable.example/python:9");
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("error").asText())
        .isEqualTo(
            "Kubernetes could not schedule the step's pod for 2 s: 0/3 nodes are available: 3"
                + " Insufficient memory.");
  }

  @Test
  void an_evicted_pod_runs_the_step_again_without_using_a_retry() throws Exception {
    Path marker = SharedFolders.create().resolve("go");
    AbacusClient client = server.client();
    String versionId = runWaiting("evicted", marker, request -> request);
    String stepVersionId = awaitRunning(client, versionId, "waits");
    kubelet.evict(jobOf(stepVersionId, 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> kubelet.running(jobOf(stepVersionId, 2)));
    Files.writeString(marker, "go");

    JsonNode version = Steps.awaitFinished(client, versionId);

    JsonNode step = stepVersion(version, "waits");
    assertThat(step.path("status").asText()).as(version.toString()).isEqualTo("COMPLETE");
    assertThat(outputValue(version, "waits", "result").asInt()).isEqualTo(7);
    assertThat(logs(client, step))
        .contains("attempt 2 of step 'waits' starts")
        .contains("Kubernetes took the step's pod away (Evicted)");
    assertThat(kubelet.jobsCreated())
        .filteredOn(name -> name.startsWith(jobOf(stepVersionId, 1).replace("-a1", "")))
        .containsExactly(jobOf(stepVersionId, 1), jobOf(stepVersionId, 2));
  }

  @Test
  void cancelling_a_run_deletes_the_running_job() throws Exception {
    Path marker = SharedFolders.create().resolve("never");
    AbacusClient client = server.client();
    String versionId = runWaiting("cancelled", marker, request -> request);
    String stepVersionId = awaitRunning(client, versionId, "waits");
    String name = jobOf(stepVersionId, 1);

    client.call("cancelPipelineVersion", params("pipelineVersion", versionId));

    JsonNode version = Steps.awaitFinished(client, versionId);
    assertThat(version.path("status").asText()).isEqualTo("CANCELLED");
    await().atMost(Duration.ofSeconds(10)).until(() -> kubelet.job(name) == null);
    await().atMost(Duration.ofSeconds(10)).until(() -> !kubelet.running(name));
    assertThat(kubelet.secret(name)).isNull();
  }

  @Test
  void values_and_files_travel_between_pods_by_reference() throws Exception {
    AbacusClient client = server.client();
    String pipelineId = createPipeline(client, Steps.uniqueName("frames"));
    StepRequest.named("make")
        .source(
            """
            import os
            import pandas

            def make():
                with open(os.path.join(os.environ["PENSTOCK_OUTPUTS_DIR"], "résumé.md"), "w") as f:
                    f.write("# rows\\n")
                return pandas.DataFrame({"i": range(100_000)})
            """)
        .function("make")
        .output("frame", "DATASET_ID")
        .addTo(client, pipelineId);
    StepRequest.named("total")
        .source(
            """
            def total(frame, padding):
                return {"type": type(frame).__name__, "sum": int(frame["i"].sum()),
                        "padding": len(padding)}
            """)
        .function("total")
        .fromVariable("frame", "FEATURE_GROUP", "frame")
        .input("padding", "STRING", "x".repeat(600_000))
        .output("summary", "JSON")
        .after("make")
        .addTo(client, pipelineId);

    String versionId = Steps.run(client, pipelineId, List.of());
    JsonNode version = server.awaitFinished(versionId, Duration.ofSeconds(120));

    assertThat(version.path("status").asText()).as(version.toString()).isEqualTo("COMPLETE");
    JsonNode summary = outputValue(version, "total", "summary");
    assertThat(summary.path("type").asText()).isEqualTo("DataFrame");
    assertThat(summary.path("sum").asLong()).isEqualTo(4_999_950_000L);
    assertThat(summary.path("padding").asInt()).isEqualTo(600_000);
    JsonNode listed =
        client.call("listPipelineVersionArtifacts", params("pipelineVersion", versionId));
    assertThat(listed.findValuesAsText("name")).contains("résumé.md");
    String total = stepVersion(version, "total").path("pipelineStepVersion").asText();
    JsonNode podJson =
        new ObjectMapper()
            .readTree(
                Base64.getDecoder()
                    .decode(kubelet.secret(jobOf(total, 1)).getData().get("pod.json")));
    assertThat(podJson.path("bundle").asBoolean())
        .as("over 512 KiB, the files are fetched from the server")
        .isTrue();
  }

  @Test
  void a_job_that_gets_no_pod_fails_the_step_after_the_pending_limit() {
    JsonNode step = runOnImage("refused.example/python:9");
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    String job = jobOf(step.path("pipelineStepVersion").asText(), 1);
    assertThat(step.path("error").asText())
        .isEqualTo(
            "Kubernetes made no pod for the step's Job "
                + job
                + " in 2 s: a ResourceQuota or an admission policy may refuse it (kubectl"
                + " describe job "
                + job
                + ")");
  }

  @Test
  void a_job_deleted_by_hand_runs_the_step_again_without_using_a_retry() throws Exception {
    Path marker = SharedFolders.create().resolve("go");
    AbacusClient client = server.client();
    String versionId = runWaiting("deleted", marker, request -> request);
    String stepVersionId = awaitRunning(client, versionId, "waits");
    kubelet.deleteJob(jobOf(stepVersionId, 1));
    await().atMost(Duration.ofSeconds(30)).until(() -> kubelet.running(jobOf(stepVersionId, 2)));
    Files.writeString(marker, "go");

    JsonNode version = Steps.awaitFinished(client, versionId);

    JsonNode step = stepVersion(version, "waits");
    assertThat(step.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(step.path("retries").asInt()).isZero();
    assertThat(step.path("attempts").get(0).path("reason").asText())
        .contains("the step's Job was deleted outside Penstock");
  }

  @Test
  void a_log_read_in_many_pieces_has_every_line_once_in_order() {
    // The mock API server answers each read of a log with what it holds and ends the stream, so
    // the executor reads this log again and again from the last line's second.
    JsonNode step =
        runOne(
            "import time\n\ndef chatty():\n    for i in range(40):\n"
                + "        print('line', i, flush=True)\n        time.sleep(0.05)\n",
            "chatty",
            request -> request);
    assertThat(step.path("status").asText()).isEqualTo("COMPLETE");
    String log = logs(server.client(), step);
    var expected = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      expected.append("line ").append(i).append('\n');
    }
    assertThat(log).isEqualTo(expected.toString());
  }

  @Test
  void the_internal_routes_take_only_the_running_attempts_own_token_and_paths() throws Exception {
    Path marker = SharedFolders.create().resolve("go");
    AbacusClient client = server.client();
    String versionId = runWaiting("internal", marker, request -> request);
    String stepVersionId = awaitRunning(client, versionId, "waits");
    JsonNode pod =
        new ObjectMapper()
            .readTree(
                Base64.getDecoder()
                    .decode(kubelet.secret(jobOf(stepVersionId, 1)).getData().get("pod.json")));
    String token = pod.path("token").asText();
    String attempt = server.url() + "/internal/attempts/" + stepVersionId;

    assertThat(put(attempt + "/1/files/outputs/a.txt", null, 1)).isEqualTo(401);
    assertThat(put(attempt + "/2/files/outputs/a.txt", token, 1))
        .as("another attempt's")
        .isEqualTo(401);
    assertThat(put(attempt + "/1/files/etc/passwd", token, 1)).isEqualTo(400);
    assertThat(put(attempt + "/1/files/outputs/%2E%2E/%2E%2E/evil", token, 1)).isEqualTo(400);
    assertThat(put(attempt + "/1/files/outputs/big.bin", token, 5 * 1024 * 1024))
        .as("over the attempt's disk budget of 4 MB")
        .isEqualTo(413);
    assertThat(put(attempt + "/1/files/outputs/small.txt", token, 10)).isEqualTo(200);

    Files.writeString(marker, "go");
    JsonNode version = Steps.awaitFinished(client, versionId);
    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(put(attempt + "/1/result", token, 10)).as("the attempt has ended").isEqualTo(409);
  }

  @Test
  void a_step_that_leaves_more_than_its_disk_budget_fails_with_an_output_error() {
    JsonNode step =
        runOne(
            "import os\n\ndef hoard():\n"
                + "    with open(os.path.join(os.environ['PENSTOCK_OUTPUTS_DIR'], 'big.bin'), 'wb')"
                + " as f:\n        f.write(b'x' * 5_000_000)\n",
            "hoard",
            request -> request);
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("error").asText())
        .startsWith("the server refused what the step left:")
        .contains("over its disk budget");
    assertThat(step.path("attempts").get(0).path("failureCause").asText())
        .isEqualTo("OUTPUT_ERROR");
  }

  private static int put(String url, String token, int bytes) throws Exception {
    var request =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
            .expectContinue(true)
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofByteArray(new byte[bytes]));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return java.net.http.HttpClient.newHttpClient()
        .send(request.build(), java.net.http.HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Prints, then waits for {@code marker} to exist, then returns 7. */
  private static final String WAITS =
      """
      import os, time

      def waits(marker):
          print("waiting for", marker, flush=True)
          while not os.path.exists(marker):
              time.sleep(0.05)
          return 7
      """;

  /** Runs a step that waits, stops its pod with {@code stop} once it runs; the step at its end. */
  private JsonNode runStopped(
      String name,
      java.util.function.UnaryOperator<StepRequest> limits,
      java.util.function.Consumer<String> stop) {
    AbacusClient client = server.client();
    String versionId = runWaiting(name, Path.of("/nonexistent/never"), limits);
    stop.accept(jobOf(awaitRunning(client, versionId, "waits"), 1));
    return stepVersion(Steps.awaitFinished(client, versionId), "waits");
  }

  /** Runs a pipeline of one step, "waits", that waits for {@code marker}; the run's id. */
  private String runWaiting(
      String name, Path marker, java.util.function.UnaryOperator<StepRequest> limits) {
    AbacusClient client = server.client();
    String pipelineId = createPipeline(client, Steps.uniqueName(name));
    limits
        .apply(
            StepRequest.named("waits")
                .source(WAITS)
                .function("waits")
                .input("marker", "STRING", marker.toString())
                .output("result", "INTEGER"))
        .addTo(client, pipelineId);
    return Steps.run(client, pipelineId, List.of());
  }

  private JsonNode runOne(
      String source, String function, java.util.function.UnaryOperator<StepRequest> limits) {
    AbacusClient client = server.client();
    String pipelineId = createPipeline(client, Steps.uniqueName(function));
    limits
        .apply(StepRequest.named(function).source(source).function(function))
        .addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    return stepVersion(Steps.awaitFinished(client, versionId), function);
  }

  private JsonNode runOnImage(String image) {
    AbacusClient client = server.client();
    String pipelineId = createPipeline(client, Steps.uniqueName("image"));
    client.call("updatePipeline", params("pipelineId", pipelineId, "stepImage", image));
    StepRequest.named("never")
        .source("def never():\n    return 1\n")
        .function("never")
        .addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    return stepVersion(Steps.awaitFinished(client, versionId), "never");
  }

  /** Waits until the step's pod runs its process; its step version id. */
  private static String awaitRunning(AbacusClient client, String versionId, String stepName) {
    String[] id = new String[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              JsonNode version =
                  client.call("describePipelineVersion", params("pipelineVersion", versionId));
              id[0] = stepVersion(version, stepName).path("pipelineStepVersion").asText();
              return kubelet.running(jobOf(id[0], 1));
            });
    return id[0];
  }

  /** The Job name the server gives an attempt: penstock-<step version, lowercased>-a<n>. */
  static String jobOf(String stepVersionId, int attempt) {
    return "penstock-" + stepVersionId.toLowerCase(java.util.Locale.ROOT) + "-a" + attempt;
  }
}
