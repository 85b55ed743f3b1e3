package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.ApiAssertions.assertFails;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Modules: named Python source that steps import by name, as the SDK's createModule and its
 * included_modules (a "from module import *" line before the step's source) use them.
 */
class ModulesE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  private final AbacusClient client = server.client();
  private final Path shared = SharedFolders.create();

  @Test
  void modules_are_created_described_listed_updated_and_deleted() {
    String name = "tools_" + System.nanoTime();
    JsonNode created =
        client.call(
            "createModule",
            params("name", name, "sourceCode", "def shout(s):\n    return s.upper()\n"));
    assertThat(created.path("name").asText()).isEqualTo(name);
    assertThat(created.path("codeSource").path("sourceCode").asText()).contains("def shout");
    client.call(
        "updateModule", params("name", name, "sourceCode", "def shout(s):\n    return s + '!'\n"));
    assertThat(
            client
                .call("describeModule", params("name", name))
                .path("codeSource")
                .path("sourceCode")
                .asText())
        .contains("s + '!'");
    assertThat(client.call("listModules").findValuesAsText("name")).contains(name);
    client.call("deleteModule", params("name", name));
    assertFails(
        () -> client.call("describeModule", params("name", name)), 404, "DataNotFoundError", name);
  }

  @Test
  void bad_modules_are_refused_and_nothing_is_stored() {
    assertFails(
        () -> client.call("createModule", params("name", "broken", "sourceCode", "def f(:\n")),
        400,
        "InvalidParameterError",
        "syntax error at line 1");
    assertFails(
        () -> client.call("createModule", params("name", "not-a-name", "sourceCode", "X = 1\n")),
        400,
        "InvalidParameterError",
        "not a valid Python identifier");
    assertFails(
        () -> client.call("describeModule", params("name", "broken")),
        404,
        "DataNotFoundError",
        "broken");
    client.call("createModule", params("name", "twice", "sourceCode", "X = 1\n"));
    assertFails(
        () -> client.call("createModule", params("name", "twice", "sourceCode", "X = 2\n")),
        409,
        "AlreadyExistsError",
        "twice");
  }

  @Test
  void a_step_imports_modules_by_name_and_a_run_keeps_the_modules_it_started_with()
      throws Exception {
    client.call(
        "createModule",
        params(
            "name",
            "greetings",
            "sourceCode",
            "import punctuation\n\ndef greet(name):\n    return 'hello ' + name + punctuation.MARK\n"));
    client.call("createModule", params("name", "punctuation", "sourceCode", "MARK = '!'\n"));
    String pipelineId = createPipeline(client, Steps.uniqueName("modules"));
    StepRequest.named("wait")
        .source(
            "import pathlib, time\n\ndef wait(shared):\n"
                + "    while not (pathlib.Path(shared) / 'release').exists():\n        time.sleep(0.05)\n")
        .function("wait")
        .input("shared", "STRING", shared.toString())
        .addTo(client, pipelineId);
    StepRequest.named("greet")
        .source("from greetings import *\n\ndef main():\n    return greet('penstock')\n")
        .function("main")
        .output("greeting", "STRING")
        .after("wait")
        .addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> status(versionId).equals("RUNNING"));

    client.call("updateModule", params("name", "punctuation", "sourceCode", "MARK = '?'\n"));
    Files.writeString(shared.resolve("release"), "go");

    JsonNode done = Steps.awaitFinished(client, versionId);
    assertThat(done.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(outputValue(done, "greet", "greeting").asText()).isEqualTo("hello penstock!");
    JsonNode next = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));
    assertThat(outputValue(next, "greet", "greeting").asText()).isEqualTo("hello penstock?");
  }

  /** The SDK's PythonFunction.validate_locally fetches codeSource.moduleDependencies first. */
  @Test
  void a_function_and_a_step_name_the_modules_they_import_for_the_sdk_to_fetch() {
    String tools = "tools_" + System.nanoTime();
    String helpers = "helpers_" + System.nanoTime();
    client.call("createModule", params("name", helpers, "sourceCode", "X = 1\n"));
    client.call(
        "createModule", params("name", tools, "sourceCode", "import " + helpers + "\nY = 2\n"));
    String source = "import os\nfrom " + tools + " import *\n\ndef f():\n    return Y\n";
    String function = "uses_" + System.nanoTime();
    client.call(
        "createPythonFunction",
        params("name", function, "sourceCode", source, "functionName", "f"));
    String pipelineId = createPipeline(client, Steps.uniqueName("dependencies"));
    StepRequest.named("f").source(source).function("f").addTo(client, pipelineId);

    assertThat(
            client
                .call("describePythonFunction", params("name", function))
                .path("codeSource")
                .path("moduleDependencies"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(tools, helpers);
    JsonNode step =
        client.call(
            "describePipelineStepByName", params("pipelineId", pipelineId, "stepName", "f"));
    assertThat(step.path("codeSource").path("moduleDependencies"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(tools, helpers);
    JsonNode run = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));
    assertThat(Steps.stepVersion(run, "f").path("codeSource").path("moduleDependencies"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(tools, helpers);
  }

  private String status(String versionId) {
    return client
        .call("describePipelineVersion", params("pipelineVersion", versionId))
        .path("status")
        .asText();
  }
}
