package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.addStep;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.input;
import static dev.penstock.testing.Steps.output;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ApiException;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The wire contract: handshake, envelope, errors, parameter encodings, definitions and their
 * validation.
 */
class ApiContractE2ETest {
  static TestServer server;
  static AbacusClient client;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SOURCE = "def f(x, y=1):\n    return x + y\n";

  @BeforeAll
  static void start() {
    server = TestServer.start(Map.of(ConfigKey.MAX_BODY_SIZE, "64KB"));
    client = server.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static ApiException failure(ThrowingCallable call) {
    var thrown = new ApiException[1];
    assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class, e -> thrown[0] = e);
    return thrown[0];
  }

  private static void assertFails(
      ThrowingCallable call, int status, String errorType, String message) {
    ApiException e = failure(call);
    assertThat(e.httpStatus()).isEqualTo(status);
    assertThat(e.errorType()).isEqualTo(errorType);
    assertThat(e.getMessage()).contains(message);
    assertThat(e.requestId()).isNotBlank();
  }

  @Test
  void the_sdk_handshake_answers_with_endpoints_and_a_version() {
    JsonNode endpoints = client.call("getApiEndpoint");
    assertThat(endpoints.path("predictEndpoint").asText()).isEqualTo(server.url());
    assertThat(endpoints.path("apiEndpoint").asText()).isEqualTo(server.url());
    assertThat(client.call("version").asText()).isEqualTo("1.4.105");
  }

  @Test
  void a_missing_or_wrong_api_key_is_denied_and_reveals_nothing() {
    assertFails(
        () -> client.withKey(null).call("listPipelines"),
        403,
        "PermissionDeniedError",
        "Invalid API key");
    assertFails(
        () -> client.withKey("nope").call("describePipeline", params("pipelineId", "x")),
        403,
        "PermissionDeniedError",
        "Invalid API key");
    assertFails(
        () -> client.withKey("nope").call("listPipelines"),
        403,
        "PermissionDeniedError",
        "Invalid API key");
  }

  @Test
  void unknown_ids_of_every_kind_are_data_not_found_with_status_404() {
    assertFails(
        () -> client.call("describePipeline", params("pipelineId", "nope")),
        404,
        "DataNotFoundError",
        "Pipeline not found");
    assertFails(
        () -> client.call("describePipelineByName", params("pipelineName", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () -> client.call("describePipelineVersion", params("pipelineVersion", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () -> client.call("describePipelineStep", params("pipelineStepId", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () -> client.call("describePipelineStepVersion", params("pipelineStepVersion", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () -> client.call("getStepVersionLogs", params("pipelineStepVersion", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () -> client.call("listPipelineVersionLogs", params("pipelineVersion", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () -> client.call("describePythonFunction", params("name", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () -> client.call("runPipeline", params("pipelineId", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () -> client.call("listPipelineVersions", params("pipelineId", "nope", "limit", 200)),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () -> client.call("deletePipeline", params("pipelineId", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () -> client.call("deletePipelineStep", params("pipelineStepId", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () -> client.call("updatePipelineStep", params("pipelineStepId", "nope")),
        404,
        "DataNotFoundError",
        "nope");
    assertFails(
        () ->
            client.call(
                "describePipelineStepByName", params("pipelineId", "nope", "stepName", "s")),
        404,
        "DataNotFoundError",
        "s");
  }

  @Test
  void duplicate_names_are_already_exists_errors() {
    String name = uniqueName("dup");
    String pipelineId = createPipeline(client, name);
    assertFails(() -> createPipeline(client, name), 409, "AlreadyExistsError", "already exists");
    addStep(
        client,
        pipelineId,
        "a",
        SOURCE,
        "f",
        List.of(input("x", "INTEGER", 1, null)),
        List.of(),
        List.of());
    assertFails(
        () -> addStep(client, pipelineId, "a", SOURCE, "f", List.of(), List.of(), List.of()),
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
    addStep(
        client,
        pipelineId,
        "a",
        SOURCE,
        "f",
        List.of(input("x", "INTEGER", 1, null)),
        List.of(),
        List.of());
    addStep(
        client,
        pipelineId,
        "b",
        SOURCE,
        "f",
        List.of(input("x", "INTEGER", 1, null)),
        List.of(),
        List.of("a"));
    String stepA =
        client
            .call("describePipelineStepByName", params("pipelineId", pipelineId, "stepName", "a"))
            .path("pipelineStepId")
            .asText();

    assertFails(
        () ->
            addStep(
                client, pipelineId, "c", "def f(:\n  pass\n", "f", List.of(), List.of(), List.of()),
        400,
        "InvalidParameterError",
        "syntax error at line 1");
    assertFails(
        () -> addStep(client, pipelineId, "c", SOURCE, "g", List.of(), List.of(), List.of()),
        400,
        "InvalidParameterError",
        "does not define a top-level function named 'g'");
    assertFails(
        () -> addStep(client, pipelineId, "c", SOURCE, "f", List.of(), List.of(), List.of("zzz")),
        400,
        "InvalidParameterError",
        "depends on 'zzz'");
    assertFails(
        () ->
            addStep(
                client,
                pipelineId,
                "c",
                SOURCE,
                "f",
                List.of(input("nope", "INTEGER", 1, null)),
                List.of(),
                List.of()),
        400,
        "InvalidParameterError",
        "input 'nope' is not a parameter of f(x, y)");
    assertFails(
        () ->
            addStep(
                client,
                pipelineId,
                "c",
                SOURCE,
                "f",
                List.of(input("x", "NUMBER", 1, null)),
                List.of(),
                List.of()),
        400,
        "InvalidParameterError",
        "unknown variableType 'NUMBER'");
    assertFails(
        () ->
            client.call(
                "createPipelineStep",
                params(
                    "pipelineId",
                    pipelineId,
                    "stepName",
                    "c",
                    "functionName",
                    "f",
                    "sourceCode",
                    SOURCE,
                    "memory",
                    2000)),
        400,
        "InvalidParameterError",
        "memory must be between 1 and 1024");
    assertFails(
        () ->
            client.call(
                "createPipelineStep",
                params(
                    "pipelineId",
                    pipelineId,
                    "stepName",
                    "c",
                    "functionName",
                    "f",
                    "sourceCode",
                    SOURCE,
                    "timeout",
                    0)),
        400,
        "InvalidParameterError",
        "timeout must be between 1 and 10080");
    assertFails(
        () ->
            client.call(
                "createPipelineStep",
                params(
                    "pipelineId",
                    pipelineId,
                    "stepName",
                    "c",
                    "functionName",
                    "f",
                    "sourceCode",
                    SOURCE,
                    "cpuSize",
                    "huge")),
        400,
        "InvalidParameterError",
        "cpuSize 'huge'");
    assertFails(
        () -> client.call("createPipelineStep", params("pipelineId", pipelineId, "stepName", "c")),
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
        client.call(
            "createPipelineStep",
            params(
                "pipelineId",
                pipelineId,
                "stepName",
                "s",
                "functionName",
                "f",
                "sourceCode",
                SOURCE,
                "stepInputMappings",
                List.of(
                    Map.of(
                        "name",
                        "x",
                        "variable_type",
                        "integer",
                        "pipeline_variable",
                        "n",
                        "is_required",
                        true)),
                "outputVariableMappings",
                List.of(Map.of("name", "out", "variableType", "INTEGER")),
                "cpuSize",
                "MEDIUM",
                "memory",
                16,
                "timeout",
                30));
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
  void get_parameters_arrive_as_python_spells_them_in_the_query_string() {
    String project = uniqueName("project");
    String pipelineId =
        client
            .call(
                "createPipeline",
                params("pipelineName", uniqueName("q"), "projectId", project, "isProd", true))
            .path("pipelineId")
            .asText();
    JsonNode listed = client.call("listPipelines", params("projectId", project));
    assertThat(Steps.names(listed, "pipelineId")).containsExactly(pipelineId);
    assertThat(listed.get(0).path("isProd").asBoolean()).isTrue();
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
    addStep(
        client,
        pipelineId,
        "a",
        SOURCE,
        "f",
        List.of(input("x", "INTEGER", 1, null)),
        List.of(),
        List.of());
    addStep(
        client,
        pipelineId,
        "b",
        SOURCE,
        "f",
        List.of(input("x", "INTEGER", 1, null)),
        List.of(),
        List.of("a"));
    String stepA =
        client
            .call("describePipelineStepByName", params("pipelineId", pipelineId, "stepName", "a"))
            .path("pipelineStepId")
            .asText();
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

  @Test
  void list_pipeline_versions_answers_newest_first_within_the_limit() {
    String pipelineId = createPipeline(client, uniqueName("versions"));
    addStep(
        client, pipelineId, "a", "def f():\n    return 1\n", "f", List.of(), List.of(), List.of());
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

  @Test
  void malformed_json_is_an_invalid_request_in_the_envelope() throws Exception {
    var response = client.raw("POST", "createPipeline", "application/json", "{\"pipelineName\": ");
    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("success").asBoolean()).isFalse();
    assertThat(body.path("errorType").asText()).isEqualTo("InvalidRequest");
    assertThat(body.path("requestId").asText())
        .isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
  }

  @Test
  void json_of_the_wrong_type_is_an_invalid_parameter() {
    assertFails(
        () -> client.call("createPipeline", params("pipelineName", 42)),
        400,
        "InvalidParameterError",
        "pipelineName must be a string");
    String pipelineId = createPipeline(client, uniqueName("types"));
    assertFails(
        () ->
            client.call(
                "createPipelineStep",
                params(
                    "pipelineId",
                    pipelineId,
                    "stepName",
                    "s",
                    "functionName",
                    "f",
                    "sourceCode",
                    SOURCE,
                    "memory",
                    "lots")),
        400,
        "InvalidParameterError",
        "memory must be a whole number");
    assertFails(
        () ->
            client.call(
                "runPipeline", params("pipelineId", pipelineId, "pipelineVariableMappings", "x")),
        400,
        "InvalidParameterError",
        "pipelineVariableMappings must be a list");
  }

  @Test
  void a_body_over_the_size_limit_is_refused_with_413() throws Exception {
    String big = "{\"pipelineName\": \"" + "x".repeat(100_000) + "\"}";
    var response = client.raw("POST", "createPipeline", "application/json", big);
    assertThat(response.statusCode()).isEqualTo(413);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("success").asBoolean()).isFalse();
    assertThat(body.path("error").asText()).contains("larger than the limit");
  }

  @Test
  void an_unknown_method_is_404_in_the_envelope() throws Exception {
    var response = client.raw("POST", "pausePipeline", "application/json", "{}");
    assertThat(response.statusCode()).isEqualTo(404);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("success").asBoolean()).isFalse();
    assertThat(body.path("error").asText()).contains("pausePipeline");
  }

  @Test
  void every_method_answers_any_verb_and_every_response_has_a_request_id() throws Exception {
    String pipelineId = createPipeline(client, uniqueName("verbs"));
    var response =
        client.raw(
            "POST", "describePipelineByName", "application/json", "{\"pipelineName\": null}");
    assertThat(response.statusCode()).isEqualTo(400);
    var get =
        client.raw(
            "POST",
            "describePipeline",
            "application/json",
            "{\"pipelineId\": \"" + pipelineId + "\"}");
    assertThat(get.headers().firstValue("x-request-id")).isPresent();
    assertThat(JSON.readTree(get.body()).path("success").asBoolean()).isTrue();
  }
}
