package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.addStep;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.input;
import static dev.penstock.testing.Steps.mappingValue;
import static dev.penstock.testing.Steps.output;
import static dev.penstock.testing.Steps.run;
import static dev.penstock.testing.Steps.stepVersion;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ApiException;
import dev.penstock.testing.TestServer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pipelines of real Python steps run end to end through the real server, as the SDK drives them.
 */
class RunFlowE2ETest {
  static TestServer server;
  static AbacusClient client;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    client = server.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static final String ARITHMETIC =
      """
      def add(x: int, y: int = 10):
          print(f"adding {x} and {y}")
          return {"total": x + y}

      def double(total):
          import sys
          print("doubling", total, file=sys.stderr)
          return total * 2

      def describe(doubled, label):
          return {"text": f"{label}: {doubled}", "ok": True}
      """;

  @Test
  void a_three_step_chain_passes_variables_and_outputs_from_step_to_step() {
    String pipelineId = createPipeline(client, uniqueName("chain"));
    addStep(
        client,
        pipelineId,
        "add",
        ARITHMETIC,
        "add",
        List.of(input("x", "INTEGER", null, "start"), input("y", "INTEGER", 5, null)),
        List.of(output("total", "INTEGER")),
        List.of());
    addStep(
        client,
        pipelineId,
        "double",
        ARITHMETIC,
        "double",
        List.of(input("total", "INTEGER", null, "total")),
        List.of(output("doubled", "INTEGER")),
        List.of("add"));
    JsonNode pipeline =
        addStep(
            client,
            pipelineId,
            "describe",
            ARITHMETIC,
            "describe",
            List.of(
                input("doubled", "INTEGER", null, "doubled"),
                input("label", "STRING", null, "label")),
            List.of(output("text", "STRING"), output("ok", "BOOLEAN")),
            List.of("double"));
    assertThat(pipeline.path("steps")).hasSize(3);
    client.call(
        "updatePipeline",
        params(
            "pipelineId",
            pipelineId,
            "pipelineVariableMappings",
            List.of(input("label", "STRING", "result", null))));

    String versionId = run(client, pipelineId, List.of(input("start", "INTEGER", 3, null)));
    JsonNode version = server.awaitFinished(versionId);

    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(version.path("error").isNull()).isTrue();
    OffsetDateTime.parse(version.path("completedAt").asText());
    JsonNode add = stepVersion(version, "add");
    assertThat(mappingValue(add.path("functionVariableMappings"), "x").asInt()).isEqualTo(3);
    assertThat(mappingValue(add.path("functionVariableMappings"), "y").asInt()).isEqualTo(5);
    assertThat(mappingValue(add.path("outputVariableMappings"), "total").asInt()).isEqualTo(8);
    JsonNode describe = stepVersion(version, "describe");
    assertThat(mappingValue(describe.path("outputVariableMappings"), "text").asText())
        .isEqualTo("result: 16");
    assertThat(mappingValue(describe.path("outputVariableMappings"), "ok").asBoolean()).isTrue();
    assertThat(describe.path("outputVariableMappings").get(0).has("variable_type")).isTrue();

    String addLogs =
        client
            .call(
                "getStepVersionLogs",
                params("pipelineStepVersion", add.path("pipelineStepVersion").asText()))
            .path("logs")
            .asText();
    assertThat(addLogs).contains("adding 3 and 5");
    JsonNode allLogs = client.call("listPipelineVersionLogs", params("pipelineVersion", versionId));
    assertThat(allLogs.path("stepLogs")).hasSize(3);
    assertThat(allLogs.path("stepLogs").get(1).path("logs").asText()).contains("doubling 8");

    JsonNode described = client.call("describePipeline", params("pipelineId", pipelineId));
    assertThat(described.path("latestPipelineVersion").path("pipelineVersion").asText())
        .isEqualTo(versionId);
  }

  @Test
  void independent_branches_run_in_parallel_and_join() {
    String source =
        """
        import time

        def branch(n):
            time.sleep(1.0)
            return {"value_%d" % n: n, "at": time.time()}

        def join(value_1, value_2):
            return value_1 + value_2
        """;
    String pipelineId = createPipeline(client, uniqueName("diamond"));
    for (int n = 1; n <= 2; n++) {
      addStep(
          client,
          pipelineId,
          "branch" + n,
          source,
          "branch",
          List.of(input("n", "INTEGER", n, null)),
          List.of(output("value_" + n, "INTEGER"), output("at", "FLOAT")),
          List.of());
    }
    addStep(
        client,
        pipelineId,
        "join",
        source,
        "join",
        List.of(
            input("value_1", "INTEGER", null, "value_1"),
            input("value_2", "INTEGER", null, "value_2")),
        List.of(output("sum", "INTEGER")),
        List.of("branch1", "branch2"));

    JsonNode version = server.awaitFinished(run(client, pipelineId, List.of()));

    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(
            mappingValue(stepVersion(version, "join").path("outputVariableMappings"), "sum")
                .asInt())
        .isEqualTo(3);
    double at1 =
        mappingValue(stepVersion(version, "branch1").path("outputVariableMappings"), "at")
            .asDouble();
    double at2 =
        mappingValue(stepVersion(version, "branch2").path("outputVariableMappings"), "at")
            .asDouble();
    assertThat(Math.abs(at1 - at2)).as("both branches slept at the same time").isLessThan(0.9);
  }

  @Test
  void a_failure_skips_its_downstream_steps_while_an_independent_branch_finishes() {
    String source =
        """
        def explode(n):
            print("about to fail")
            helper(n)

        def helper(n):
            raise ValueError(f"bad input {n}")

        def fine():
            return 1

        def after(x=None):
            return 2
        """;
    String pipelineId = createPipeline(client, uniqueName("failure"));
    addStep(
        client,
        pipelineId,
        "explode",
        source,
        "explode",
        List.of(input("n", "INTEGER", 7, null)),
        List.of(),
        List.of());
    addStep(
        client,
        pipelineId,
        "downstream",
        source,
        "after",
        List.of(),
        List.of(),
        List.of("explode"));
    addStep(
        client,
        pipelineId,
        "further",
        source,
        "after",
        List.of(),
        List.of(),
        List.of("downstream"));
    addStep(
        client,
        pipelineId,
        "independent",
        source,
        "fine",
        List.of(),
        List.of(output("one", "INTEGER")),
        List.of());

    JsonNode version = server.awaitFinished(run(client, pipelineId, List.of()));

    assertThat(version.path("status").asText()).isEqualTo("FAILED");
    assertThat(version.path("error").asText()).contains("'explode'");
    JsonNode failed = stepVersion(version, "explode");
    assertThat(failed.path("status").asText()).isEqualTo("FAILED");
    String error = failed.path("error").asText();
    assertThat(error)
        .contains("ValueError: bad input 7")
        .contains("line 6, in helper")
        .contains("raise ValueError")
        .doesNotContain("penstock_runner");
    assertThat(stepVersion(version, "downstream").path("status").asText()).isEqualTo("SKIPPED");
    assertThat(stepVersion(version, "downstream").path("error").asText())
        .isEqualTo("skipped because upstream step 'explode' failed");
    assertThat(stepVersion(version, "further").path("status").asText()).isEqualTo("SKIPPED");
    assertThat(stepVersion(version, "independent").path("status").asText()).isEqualTo("COMPLETE");
    String logs =
        client
            .call(
                "getStepVersionLogs",
                params("pipelineStepVersion", failed.path("pipelineStepVersion").asText()))
            .path("logs")
            .asText();
    assertThat(logs).contains("about to fail");
  }

  @Test
  void a_required_input_with_no_value_fails_the_step_naming_the_argument() {
    String pipelineId = createPipeline(client, uniqueName("missing"));
    addStep(
        client,
        pipelineId,
        "needs",
        "def f(x):\n    return x\n",
        "f",
        List.of(input("x", "INTEGER", null, "nowhere")),
        List.of(),
        List.of());
    JsonNode version = server.awaitFinished(run(client, pipelineId, List.of()));
    assertThat(version.path("status").asText()).isEqualTo("FAILED");
    assertThat(stepVersion(version, "needs").path("error").asText())
        .contains("missing required argument 'x'")
        .contains("'nowhere'");
  }

  @Test
  void a_value_that_does_not_convert_fails_the_step_naming_the_argument() {
    String pipelineId = createPipeline(client, uniqueName("convert"));
    addStep(
        client,
        pipelineId,
        "typed",
        "def f(count):\n    return count\n",
        "f",
        List.of(input("count", "INTEGER", null, "count")),
        List.of(),
        List.of());
    JsonNode version =
        server.awaitFinished(
            run(client, pipelineId, List.of(input("count", "STRING", "many", null))));
    assertThat(stepVersion(version, "typed").path("error").asText())
        .isEqualTo("argument 'count' of type INTEGER: cannot convert str value \"many\"");
  }

  @Test
  void an_output_of_the_wrong_type_fails_the_step_with_output_errors() {
    String pipelineId = createPipeline(client, uniqueName("outputs"));
    addStep(
        client,
        pipelineId,
        "wrong",
        "def f():\n    return 'four'\n",
        "f",
        List.of(),
        List.of(output("n", "INTEGER")),
        List.of());
    JsonNode step = stepVersion(server.awaitFinished(run(client, pipelineId, List.of())), "wrong");
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("outputErrors").asText())
        .isEqualTo("output 'n' should be INTEGER but the function returned str");
  }

  @Test
  void logs_can_be_read_while_the_step_is_still_running() {
    String source =
        """
        import time, pathlib

        def slow():
            print("first line", flush=True)
            while not pathlib.Path("release").exists():
                time.sleep(0.05)
            print("second line")
        """;
    String pipelineId = createPipeline(client, uniqueName("live_logs"));
    addStep(client, pipelineId, "slow", source, "slow", List.of(), List.of(), List.of());
    String versionId = run(client, pipelineId, List.of());
    String[] stepVersionId = new String[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              JsonNode version =
                  client.call("describePipelineVersion", params("pipelineVersion", versionId));
              stepVersionId[0] = stepVersion(version, "slow").path("pipelineStepVersion").asText();
              return client
                  .call("getStepVersionLogs", params("pipelineStepVersion", stepVersionId[0]))
                  .path("logs")
                  .asText()
                  .contains("first line");
            });
    JsonNode running = client.call("describePipelineVersion", params("pipelineVersion", versionId));
    assertThat(running.path("status").asText()).isEqualTo("RUNNING");
    assertThat(stepVersion(running, "slow").path("status").asText()).isEqualTo("RUNNING");
    releaseStep(versionId, stepVersionId[0]);
    JsonNode done = server.awaitFinished(versionId);
    assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(
            client
                .call("getStepVersionLogs", params("pipelineStepVersion", stepVersionId[0]))
                .path("logs")
                .asText())
        .contains("first line\nsecond line");
  }

  @Test
  void a_step_that_allocates_past_its_memory_limit_fails_saying_so() {
    String pipelineId = createPipeline(client, uniqueName("memory"));
    client.call(
        "createPipelineStep",
        params(
            "pipelineId",
            pipelineId,
            "stepName",
            "hog",
            "functionName",
            "hog",
            "sourceCode",
            "def hog():\n    block = bytearray(2 * 1024 ** 3)\n    return len(block)\n",
            "memory",
            1));
    JsonNode step = stepVersion(server.awaitFinished(run(client, pipelineId, List.of())), "hog");
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("error").asText()).contains("exceeded its memory limit of 1 GB");
  }

  @Test
  void a_step_sees_the_server_its_key_and_its_pipeline_in_its_environment_and_may_call_back() {
    String source =
        """
        import json, os, urllib.request

        def call_home():
            server = os.environ["ABACUS_API_SERVER"]
            request = urllib.request.Request(
                server + "/api/v0/describePipeline", method="POST",
                data=json.dumps({"pipelineId": os.environ["ABACUS_PIPELINE_ID"]}).encode(),
                headers={"apiKey": os.environ["ABACUS_API_KEY"], "Content-Type": "application/json"})
            with urllib.request.urlopen(request) as response:
                name = json.load(response)["result"]["pipelineName"]
            return {"name": name, "key": os.environ["ABACUS_API_KEY"]}
        """;
    String name = uniqueName("callback");
    String pipelineId = createPipeline(client, name);
    addStep(
        client,
        pipelineId,
        "call_home",
        source,
        "call_home",
        List.of(),
        List.of(output("name", "STRING"), output("key", "STRING")),
        List.of());
    JsonNode version = server.awaitFinished(run(client, pipelineId, List.of()));
    JsonNode outputs = stepVersion(version, "call_home").path("outputVariableMappings");
    assertThat(mappingValue(outputs, "name").asText()).isEqualTo(name);

    String runKey = mappingValue(outputs, "key").asText();
    assertThat(runKey).isNotEqualTo(TestServer.ADMIN_KEY);
    assertThatThrownBy(
            () -> client.withKey(runKey).call("describePipeline", params("pipelineId", pipelineId)))
        .as("the run's key dies with the run")
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.errorType()).isEqualTo("PermissionDeniedError"));
  }

  private static void releaseStep(String versionId, String stepVersionId) {
    var dir =
        server
            .dataDir()
            .resolve("runs")
            .resolve(versionId)
            .resolve(stepVersionId)
            .resolve("attempt-1");
    try {
      java.nio.file.Files.writeString(dir.resolve("release"), "go");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
