package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.input;
import static dev.penstock.testing.Steps.logs;
import static dev.penstock.testing.Steps.mappingValue;
import static dev.penstock.testing.Steps.outputValue;
import static dev.penstock.testing.Steps.run;
import static dev.penstock.testing.Steps.stepVersion;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ApiException;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.TestServer;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pipelines of real Python steps run end to end through the real server, as the SDK drives them.
 */
class RunFlowE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();

  private final AbacusClient client = server.client();

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
    StepRequest.named("add")
        .source(ARITHMETIC)
        .function("add")
        .fromVariable("x", "INTEGER", "start")
        .input("y", "INTEGER", 5)
        .output("total", "INTEGER")
        .addTo(client, pipelineId);
    StepRequest.named("double")
        .source(ARITHMETIC)
        .function("double")
        .fromVariable("total", "INTEGER", "total")
        .output("doubled", "INTEGER")
        .after("add")
        .addTo(client, pipelineId);
    JsonNode pipeline =
        StepRequest.named("describe")
            .source(ARITHMETIC)
            .function("describe")
            .fromVariable("doubled", "INTEGER", "doubled")
            .fromVariable("label", "STRING", "label")
            .output("text", "STRING")
            .output("ok", "BOOLEAN")
            .after("double")
            .addTo(client, pipelineId);
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

    assertThat(logs(client, add)).contains("adding 3 and 5");
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
      StepRequest.named("branch" + n)
          .source(source)
          .function("branch")
          .input("n", "INTEGER", n)
          .output("value_" + n, "INTEGER")
          .output("at", "FLOAT")
          .addTo(client, pipelineId);
    }
    StepRequest.named("join")
        .source(source)
        .function("join")
        .fromVariable("value_1", "INTEGER", "value_1")
        .fromVariable("value_2", "INTEGER", "value_2")
        .output("sum", "INTEGER")
        .after("branch1", "branch2")
        .addTo(client, pipelineId);

    JsonNode version = server.awaitFinished(run(client, pipelineId, List.of()));

    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(outputValue(version, "join", "sum").asInt()).isEqualTo(3);
    double at1 = outputValue(version, "branch1", "at").asDouble();
    double at2 = outputValue(version, "branch2", "at").asDouble();
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
    StepRequest.named("explode")
        .source(source)
        .function("explode")
        .input("n", "INTEGER", 7)
        .addTo(client, pipelineId);
    StepRequest.named("downstream")
        .source(source)
        .function("after")
        .after("explode")
        .addTo(client, pipelineId);
    StepRequest.named("further")
        .source(source)
        .function("after")
        .after("downstream")
        .addTo(client, pipelineId);
    StepRequest.named("independent")
        .source(source)
        .function("fine")
        .output("one", "INTEGER")
        .addTo(client, pipelineId);

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
    assertThat(logs(client, failed)).contains("about to fail");
  }

  @Test
  void a_required_input_with_no_value_fails_the_step_naming_the_argument() {
    String pipelineId = createPipeline(client, uniqueName("missing"));
    StepRequest.named("needs")
        .source("def f(x):\n    return x\n")
        .function("f")
        .fromVariable("x", "INTEGER", "nowhere")
        .addTo(client, pipelineId);
    JsonNode version = server.awaitFinished(run(client, pipelineId, List.of()));
    assertThat(version.path("status").asText()).isEqualTo("FAILED");
    assertThat(stepVersion(version, "needs").path("error").asText())
        .contains("missing required argument 'x'")
        .contains("'nowhere'");
  }

  @Test
  void a_value_that_does_not_convert_fails_the_step_naming_the_argument() {
    String pipelineId = createPipeline(client, uniqueName("convert"));
    StepRequest.named("typed")
        .source("def f(count):\n    return count\n")
        .function("f")
        .fromVariable("count", "INTEGER", "count")
        .addTo(client, pipelineId);
    JsonNode version =
        server.awaitFinished(
            run(client, pipelineId, List.of(input("count", "STRING", "many", null))));
    assertThat(stepVersion(version, "typed").path("error").asText())
        .isEqualTo("argument 'count' of type INTEGER: cannot convert str value \"many\"");
  }

  @Test
  void an_output_of_the_wrong_type_fails_the_step_with_output_errors() {
    String pipelineId = createPipeline(client, uniqueName("outputs"));
    StepRequest.named("wrong")
        .source("def f():\n    return 'four'\n")
        .function("f")
        .output("n", "INTEGER")
        .addTo(client, pipelineId);
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
    StepRequest.named("slow").source(source).function("slow").addTo(client, pipelineId);
    String versionId = run(client, pipelineId, List.of());
    String[] stepVersionId = new String[1];
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              JsonNode version =
                  client.call("describePipelineVersion", params("pipelineVersion", versionId));
              stepVersionId[0] = stepVersion(version, "slow").path("pipelineStepVersion").asText();
              return logs(client, stepVersionId[0]).contains("first line");
            });
    JsonNode running = client.call("describePipelineVersion", params("pipelineVersion", versionId));
    assertThat(running.path("status").asText()).isEqualTo("RUNNING");
    assertThat(stepVersion(running, "slow").path("status").asText()).isEqualTo("RUNNING");
    releaseStep(versionId, stepVersionId[0]);
    JsonNode done = server.awaitFinished(versionId);
    assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(logs(client, stepVersionId[0])).contains("first line\nsecond line");
  }

  @Test
  void a_step_that_allocates_past_its_memory_limit_fails_saying_so() {
    String pipelineId = createPipeline(client, uniqueName("memory"));
    StepRequest.named("hog")
        .source("def hog():\n    block = bytearray(2 * 1024 ** 3)\n    return len(block)\n")
        .function("hog")
        .memory(1)
        .addTo(client, pipelineId);
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
            version = os.environ["PENSTOCK_PIPELINE_VERSION"]
            request = urllib.request.Request(
                server + "/api/v0/describePipelineVersion?pipelineVersion=" + version,
                headers={"apiKey": os.environ["ABACUS_API_KEY"]})
            with urllib.request.urlopen(request) as response:
                result = json.load(response)["result"]
            assert result["pipelineId"] == os.environ["ABACUS_PIPELINE_ID"]
            name = result["pipelineName"]
            return {"name": name, "key": os.environ["ABACUS_API_KEY"]}
        """;
    String name = uniqueName("callback");
    String pipelineId = createPipeline(client, name);
    StepRequest.named("call_home")
        .source(source)
        .function("call_home")
        .output("name", "STRING")
        .output("key", "STRING")
        .addTo(client, pipelineId);
    String versionId = run(client, pipelineId, List.of());
    JsonNode version = server.awaitFinished(versionId);
    JsonNode outputs = stepVersion(version, "call_home").path("outputVariableMappings");
    assertThat(mappingValue(outputs, "name").asText()).isEqualTo(name);

    String runKey = mappingValue(outputs, "key").asText();
    assertThat(runKey).isNotEqualTo(TestServer.ADMIN_KEY);
    assertThatThrownBy(
            () ->
                client
                    .withKey(runKey)
                    .call("describePipelineVersion", params("pipelineVersion", versionId)))
        .as("the run's key dies with the run")
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.errorType()).isEqualTo("PermissionDeniedError"));
  }

  private void releaseStep(String versionId, String stepVersionId) {
    var dir =
        server
            .dataDir()
            .resolve("runs")
            .resolve(versionId)
            .resolve("work")
            .resolve(stepVersionId + "-1");
    try {
      java.nio.file.Files.writeString(dir.resolve("release"), "go");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
