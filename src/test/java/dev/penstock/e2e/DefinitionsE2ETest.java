package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.ApiAssertions.assertFails;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.input;
import static dev.penstock.testing.Steps.output;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pipelines, steps and Python functions: created, described, listed, updated, renamed and deleted,
 * with the SDK's mappings in the spellings the server accepts and answers with; and the errors for
 * unknown ids, names taken and definitions that are not valid.
 */
class DefinitionsE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();

  private static final String SOURCE = "def f(x, y=1):\n    return x + y\n";
  private final AbacusClient client = server.client();

  /** Steps a and b, b after a, both f of SOURCE with x = 1; returns a's pipelineStepId. */
  private String addStepsAThenB(String pipelineId) {
    StepRequest.named("a")
        .source(SOURCE)
        .function("f")
        .input("x", "INTEGER", 1)
        .addTo(client, pipelineId);
    StepRequest.named("b")
        .source(SOURCE)
        .function("f")
        .input("x", "INTEGER", 1)
        .after("a")
        .addTo(client, pipelineId);
    return client
        .call("describePipelineStepByName", params("pipelineId", pipelineId, "stepName", "a"))
        .path("pipelineStepId")
        .asText();
  }

  private void assertNotFound(String method, Map<String, Object> params, String message) {
    assertFails(() -> client.call(method, params), 404, "DataNotFoundError", message);
  }

  private void assertInvalid(StepRequest step, String pipelineId, String message) {
    assertFails(() -> step.addTo(client, pipelineId), 400, "InvalidParameterError", message);
  }

  @Test
  void unknown_ids_of_every_kind_are_data_not_found_with_status_404() {
    assertNotFound("describePipeline", params("pipelineId", "nope"), "Pipeline not found");
    assertNotFound("describePipelineByName", params("pipelineName", "nope"), "nope");
    assertNotFound("describePipelineVersion", params("pipelineVersion", "nope"), "nope");
    assertNotFound("describePipelineStep", params("pipelineStepId", "nope"), "nope");
    assertNotFound("describePipelineStepVersion", params("pipelineStepVersion", "nope"), "nope");
    assertNotFound("getStepVersionLogs", params("pipelineStepVersion", "nope"), "nope");
    assertNotFound("listPipelineVersionLogs", params("pipelineVersion", "nope"), "nope");
    assertNotFound("describePythonFunction", params("name", "nope"), "nope");
    assertNotFound("runPipeline", params("pipelineId", "nope"), "nope");
    assertNotFound("listPipelineVersions", params("pipelineId", "nope", "limit", 200), "nope");
    assertNotFound("deletePipeline", params("pipelineId", "nope"), "nope");
    assertNotFound("deletePipelineStep", params("pipelineStepId", "nope"), "nope");
    assertNotFound("updatePipelineStep", params("pipelineStepId", "nope"), "nope");
    assertNotFound(
        "describePipelineStepByName", params("pipelineId", "nope", "stepName", "s"), "s");
  }

  @Test
  void duplicate_names_are_already_exists_errors() {
    String name = uniqueName("dup");
    String pipelineId = createPipeline(client, name);
    assertFails(() -> createPipeline(client, name), 409, "AlreadyExistsError", "already exists");
    StepRequest a = StepRequest.named("a").source(SOURCE).function("f");
    a.input("x", "INTEGER", 1).addTo(client, pipelineId);
    assertFails(
        () -> a.addTo(client, pipelineId),
        409,
        "AlreadyExistsError",
        "already has a step named 'a'");
    String function = uniqueName("fn");
    client.call(
        "createPythonFunction",
        params(
            "name",
            function,
            "sourceCode",
            SOURCE,
            "functionName",
            "f",
            "functionType",
            "FEATURE_GROUP"));
    assertFails(
        () ->
            client.call(
                "createPythonFunction",
                params("name", function, "sourceCode", SOURCE, "functionName", "f")),
        409,
        "AlreadyExistsError",
        "already exists");
    String other = createPipeline(client, uniqueName("dup_other"));
    assertFails(
        () -> client.call("renamePipeline", params("pipelineId", other, "pipelineName", name)),
        409,
        "AlreadyExistsError",
        "already exists");
  }

  @Test
  void bad_step_definitions_get_clear_errors_and_change_nothing() {
    String pipelineId = createPipeline(client, uniqueName("invalid"));
    String stepA = addStepsAThenB(pipelineId);

    StepRequest c = StepRequest.named("c").source(SOURCE).function("f");
    assertInvalid(c.source("def f(:\n  pass\n"), pipelineId, "syntax error at line 1");
    assertInvalid(c.function("g"), pipelineId, "does not define a top-level function named 'g'");
    assertInvalid(c.after("zzz"), pipelineId, "depends on 'zzz'");
    assertInvalid(
        c.input("nope", "INTEGER", 1), pipelineId, "input 'nope' is not a parameter of f(x, y)");
    assertInvalid(c.input("x", "NUMBER", 1), pipelineId, "unknown variableType 'NUMBER'");
    assertInvalid(c.memory(2000), pipelineId, "memory must be between 1 and 1024");
    assertInvalid(c.timeout(0), pipelineId, "timeout must be between 1 and 10080");
    assertInvalid(c.cpuSize("huge"), pipelineId, "cpuSize 'huge'");
    assertFails(
        () -> StepRequest.named("c").addTo(client, pipelineId),
        400,
        "MissingParameterError",
        "sourceCode is required");
    assertFails(
        () ->
            client.call(
                "updatePipelineStep",
                params("pipelineStepId", stepA, "stepDependencies", List.of("b"))),
        400,
        "InvalidParameterError",
        "cycle: a → b → a");

    JsonNode pipeline = client.call("describePipeline", params("pipelineId", pipelineId));
    assertThat(Steps.names(pipeline.path("steps"), "stepName")).containsExactly("a", "b");
    assertThat(pipeline.path("steps").get(0).path("stepDependencies")).isEmpty();
  }

  @Test
  void a_step_accepts_mappings_in_snake_case_and_answers_with_raw_snake_case_lists() {
    String pipelineId = createPipeline(client, uniqueName("snake"));
    JsonNode pipeline =
        StepRequest.named("s")
            .source(SOURCE)
            .function("f")
            .rawInput(
                Map.of(
                    "name",
                    "x",
                    "variable_type",
                    "integer",
                    "pipeline_variable",
                    "n",
                    "is_required",
                    true))
            .output("out", "INTEGER")
            .cpuSize("MEDIUM")
            .memory(16)
            .timeout(30)
            .addTo(client, pipelineId);
    JsonNode step = pipeline.path("steps").get(0);
    assertThat(step.path("cpuSize").asText()).isEqualTo("medium");
    assertThat(step.path("memory").asInt()).isEqualTo(16);
    assertThat(step.path("timeout").asInt()).isEqualTo(30);
    JsonNode function = step.path("pythonFunction");
    assertThat(function.path("functionType").asText()).isEqualTo("STEP_FUNCTION");
    assertThat(function.path("codeSource").path("sourceCode").asText()).isEqualTo(SOURCE);
    JsonNode mapping = function.path("functionVariableMappings").get(0);
    assertThat(mapping.path("variable_type").asText()).isEqualTo("INTEGER");
    assertThat(mapping.path("pipeline_variable").asText()).isEqualTo("n");
    assertThat(mapping.path("is_required").asBoolean()).isTrue();
    assertThat(pipeline.path("warning").asText()).contains("'n'");
  }

  @Test
  void python_functions_can_be_created_described_updated_listed_and_deleted() {
    String name = uniqueName("fn");
    JsonNode created =
        client.call(
            "createPythonFunction",
            params(
                "name",
                name,
                "sourceCode",
                SOURCE,
                "functionName",
                "f",
                "functionVariableMappings",
                List.of(input("x", "INTEGER", null, null)),
                "outputVariableMappings",
                List.of(output("z", "INTEGER")),
                "functionType",
                "STEP_FUNCTION",
                "description",
                "adds"));
    assertThat(created.path("pythonFunctionId").asText()).isNotBlank();
    assertThat(created.path("codeSource").path("sourceCode").asText()).isEqualTo(SOURCE);
    assertThat(created.path("functionVariableMappings").get(0).path("variable_type").asText())
        .isEqualTo("INTEGER");

    client.call("updatePythonFunction", params("name", name, "description", "adds two"));
    JsonNode described = client.call("describePythonFunction", params("name", name));
    assertThat(described.path("description").asText()).isEqualTo("adds two");
    assertThat(described.path("functionName").asText()).isEqualTo("f");

    assertThat(
            Steps.names(
                client.call("listPythonFunctions", params("functionType", "STEP_FUNCTION")),
                "name"))
        .contains(name);
    assertThat(
            Steps.names(
                client.call("listPythonFunctions", params("functionType", "FEATURE_GROUP")),
                "name"))
        .doesNotContain(name);
    assertFails(
        () -> client.call("updatePythonFunction", params("name", name, "sourceCode", "def f(:")),
        400,
        "InvalidParameterError",
        "syntax error");

    assertThat(client.call("deletePythonFunction", params("name", name)).isNull()).isTrue();
    assertFails(
        () -> client.call("describePythonFunction", params("name", name)),
        404,
        "DataNotFoundError",
        name);
  }

  @Test
  void pipelines_can_be_updated_renamed_and_deleted() {
    String pipelineId = createPipeline(client, uniqueName("crud"));
    JsonNode updated =
        client.call(
            "updatePipeline",
            params(
                "pipelineId",
                pipelineId,
                "projectId",
                "p9",
                "pipelineVariableMappings",
                List.of(input("n", "INTEGER", 3, null)),
                "isProd",
                true));
    assertThat(updated.path("isProd").asBoolean()).isTrue();
    assertThat(updated.path("pipelineVariableMappings").get(0).path("value").asInt()).isEqualTo(3);
    String newName = uniqueName("renamed");
    assertThat(
            client
                .call("renamePipeline", params("pipelineId", pipelineId, "pipelineName", newName))
                .path("pipelineName")
                .asText())
        .isEqualTo(newName);
    assertThat(
            client
                .call("describePipelineByName", params("pipelineName", newName))
                .path("pipelineId")
                .asText())
        .isEqualTo(pipelineId);
    client.call("deletePipeline", params("pipelineId", pipelineId));
    assertFails(
        () -> client.call("describePipeline", params("pipelineId", pipelineId)),
        404,
        "DataNotFoundError",
        pipelineId);
  }

  @Test
  void steps_can_be_described_updated_renamed_and_deleted_and_dependants_follow_a_rename() {
    String pipelineId = createPipeline(client, uniqueName("steps"));
    String stepA = addStepsAThenB(pipelineId);
    JsonNode updated =
        client.call(
            "updatePipelineStep", params("pipelineStepId", stepA, "memory", 2, "timeout", 5));
    assertThat(updated.path("memory").asInt()).isEqualTo(2);
    assertThat(updated.path("pipelineName").asText()).isNotBlank();
    assertThat(
            client
                .call("renamePipelineStep", params("pipelineStepId", stepA, "stepName", "first"))
                .path("stepName")
                .asText())
        .isEqualTo("first");
    JsonNode b =
        client.call(
            "describePipelineStepByName", params("pipelineId", pipelineId, "stepName", "b"));
    assertThat(b.path("stepDependencies").get(0).asText()).isEqualTo("first");
    client.call("deletePipelineStep", params("pipelineStepId", stepA));
    assertThat(client.call("describePipeline", params("pipelineId", pipelineId)).path("steps"))
        .hasSize(1);
  }

  /**
   * A pipeline's answer renders each step once per state and copies it after (createPipelineStep
   * answers with every step): every change must show at once, also several within a millisecond, a
   * change of the step's function alone, of the pipeline's name, and of the modules it imports.
   */
  @Test
  void a_pipeline_answers_with_every_step_as_it_is_now_however_quickly_it_changes() {
    String pipelineId = createPipeline(client, uniqueName("fresh"));
    String stepA = addStepsAThenB(pipelineId);
    for (int memory = 1; memory <= 6; memory++) {
      client.call("updatePipelineStep", params("pipelineStepId", stepA, "memory", memory));
      assertThat(stepA(pipelineId).path("memory").asInt()).isEqualTo(memory);
    }

    String function = stepA(pipelineId).path("pythonFunction").path("name").asText();
    client.call("updatePythonFunction", params("name", function, "description", "adds"));
    assertThat(stepA(pipelineId).path("pythonFunction").path("description").asText())
        .isEqualTo("adds");

    String renamed = uniqueName("renamed");
    client.call("renamePipeline", params("pipelineId", pipelineId, "pipelineName", renamed));
    assertThat(describe(pipelineId).path("steps"))
        .extracting(step -> step.path("pipelineName").asText())
        .containsExactly(renamed, renamed);

    String helpers = "helpers_" + System.nanoTime();
    String importing = "import " + helpers + "\n\n" + SOURCE;
    client.call("updatePipelineStep", params("pipelineStepId", stepA, "sourceCode", importing));
    assertThat(stepA(pipelineId).path("codeSource").path("moduleDependencies")).isEmpty();
    client.call("createModule", params("name", helpers, "sourceCode", "X = 1\n"));
    assertThat(stepA(pipelineId).path("codeSource").path("moduleDependencies"))
        .extracting(JsonNode::asText)
        .containsExactly(helpers);

    client.call("deletePipelineStep", params("pipelineStepId", stepA));
    assertThat(describe(pipelineId).path("steps"))
        .extracting(step -> step.path("stepName").asText())
        .containsExactly("b");
  }

  private JsonNode describe(String pipelineId) {
    return client.call("describePipeline", params("pipelineId", pipelineId));
  }

  private JsonNode stepA(String pipelineId) {
    JsonNode steps = describe(pipelineId).path("steps");
    assertThat(steps.get(0).path("stepName").asText()).isEqualTo("a");
    return steps.get(0);
  }

  @Test
  void list_pipeline_versions_answers_newest_first_within_the_limit() {
    String pipelineId = createPipeline(client, uniqueName("versions"));
    StepRequest.named("a")
        .source("def f():\n    return 1\n")
        .function("f")
        .addTo(client, pipelineId);
    String first = Steps.run(client, pipelineId, List.of());
    String second = Steps.run(client, pipelineId, List.of());
    server.awaitFinished(first);
    server.awaitFinished(second);
    JsonNode all =
        client.call("listPipelineVersions", params("pipelineId", pipelineId, "limit", 200));
    assertThat(Steps.names(all, "pipelineVersion")).containsExactly(second, first);
    JsonNode one =
        client.call("listPipelineVersions", params("pipelineId", pipelineId, "limit", 1));
    assertThat(Steps.names(one, "pipelineVersion")).containsExactly(second);
  }
}
