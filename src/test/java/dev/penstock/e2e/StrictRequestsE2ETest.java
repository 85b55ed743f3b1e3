package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ApiException;
import dev.penstock.testing.SdkMethods;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests are strict: a parameter the method does not take is refused, naming the closest one it
 * does; a method that changes state refuses GET; and in every case nothing changes.
 */
class StrictRequestsE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AbacusClient client = server.client();

  private static JsonNode failure(HttpResponse<String> response, int status, String errorType)
      throws IOException {
    JsonNode body = JSON.readTree(response.body());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(body.path("success").asBoolean()).isFalse();
    assertThat(body.path("errorType").asText()).isEqualTo(errorType);
    assertThat(body.path("requestId").asText())
        .isNotBlank()
        .isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
    return body;
  }

  private int runsOf(String pipelineId) {
    return client.call("listPipelineVersions", params("pipelineId", pipelineId)).size();
  }

  private String pipelineWithAStep() {
    String pipelineId = createPipeline(client, uniqueName("strict"));
    StepRequest.named("s")
        .source("def f(x=1):\n    return x\n")
        .function("f")
        .addTo(client, pipelineId);
    return pipelineId;
  }

  private static String query(Map<String, String> params) {
    var parts = new StringBuilder();
    params.forEach(
        (name, value) ->
            parts
                .append(parts.isEmpty() ? "?" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
    return parts.toString();
  }

  @Test
  void a_misspelt_body_field_is_refused_naming_the_closest_and_starts_no_run() throws Exception {
    String pipelineId = pipelineWithAStep();
    String body =
        "{\"pipelineId\": \"%s\", \"pipelineVariableMapings\": [{\"name\": \"x\", \"variableType\": \"INTEGER\", \"value\": 3}]}"
            .formatted(pipelineId);
    var response = client.raw("POST", "runPipeline", "application/json", body);
    assertThat(failure(response, 400, "InvalidParameterError").path("error").asText())
        .isEqualTo(
            "unknown parameter 'pipelineVariableMapings' for runPipeline; did you mean"
                + " 'pipelineVariableMappings'?");
    assertThat(runsOf(pipelineId)).isZero();
  }

  @Test
  void an_unknown_field_far_from_any_known_one_lists_what_the_method_takes() throws Exception {
    var response =
        client.raw(
            "POST",
            "createPipeline",
            "application/json",
            "{\"pipelineName\": \"" + uniqueName("never") + "\", \"colour\": \"blue\"}");
    assertThat(failure(response, 400, "InvalidParameterError").path("error").asText())
        .isEqualTo(
            "unknown parameter 'colour' for createPipeline; it takes pipelineName, projectId,"
                + " cron, isProd, maxConcurrentRuns, isolation, executor, stepImage");
    assertThat(client.call("listPipelines").findValuesAsText("pipelineName"))
        .noneMatch(name -> name.startsWith("never_"));
  }

  @Test
  void unknown_query_keys_are_refused_for_get_and_for_a_post_alike() throws Exception {
    String pipelineId = pipelineWithAStep();
    var get =
        client.raw(
            "GET", "listPipelines" + query(Map.of("projectID", "p")), "application/json", "");
    assertThat(failure(get, 400, "InvalidParameterError").path("error").asText())
        .contains("unknown parameter 'projectID' for listPipelines; did you mean 'projectId'?");
    var post =
        client.raw(
            "POST",
            "runPipeline" + query(Map.of("dryRun", "True")),
            "application/json",
            "{\"pipelineId\": \"" + pipelineId + "\"}");
    assertThat(failure(post, 400, "InvalidParameterError").path("error").asText())
        .contains("unknown parameter 'dryRun' for runPipeline");
    assertThat(runsOf(pipelineId)).isZero();
  }

  @Test
  void a_misspelt_key_inside_a_mapping_is_refused_in_either_casing() throws Exception {
    String pipelineId = pipelineWithAStep();
    for (String key : List.of("variabletype", "variable_typ")) {
      String body =
          "{\"pipelineId\": \"%s\", \"pipelineVariableMappings\": [{\"name\": \"x\", \"%s\": \"INTEGER\", \"value\": 3}]}"
              .formatted(pipelineId, key);
      var response = client.raw("POST", "runPipeline", "application/json", body);
      assertThat(failure(response, 400, "InvalidParameterError").path("error").asText())
          .startsWith("unknown key '" + key + "' in pipelineVariableMappings[0]; did you mean")
          .endsWith(key.contains("_") ? "'variable_type'?" : "'variableType'?");
    }
    assertThat(runsOf(pipelineId)).isZero();
  }

  @Test
  void every_method_that_changes_state_refuses_get_with_405() throws Exception {
    for (var entry : SdkMethods.all().entrySet()) {
      if (SdkMethods.reads(entry.getKey())) {
        continue;
      }
      var response = client.raw("GET", entry.getKey(), "application/json", "");
      assertThat(failure(response, 405, "MethodNotAllowed").path("error").asText())
          .as(entry.getKey())
          .contains(entry.getKey() + " changes state")
          .contains(entry.getValue().verb());
      assertThat(response.headers().firstValue("Allow")).contains(entry.getValue().verb());
    }
  }

  @Test
  void get_and_head_of_a_write_change_nothing() throws Exception {
    String pipelineId = pipelineWithAStep();
    String run = "runPipeline" + query(Map.of("pipelineId", pipelineId));
    failure(client.raw("GET", run, "application/json", ""), 405, "MethodNotAllowed");
    assertThat(client.raw("HEAD", run, "application/json", "").statusCode()).isEqualTo(405);
    assertThat(runsOf(pipelineId)).isZero();

    failure(
        client.raw(
            "GET",
            "deletePipeline" + query(Map.of("pipelineId", pipelineId)),
            "application/json",
            ""),
        405,
        "MethodNotAllowed");
    assertThat(client.call("describePipeline", params("pipelineId", pipelineId))).isNotNull();

    String name = uniqueName("by_get");
    failure(
        client.raw(
            "GET", "createPipeline" + query(Map.of("pipelineName", name)), "application/json", ""),
        405,
        "MethodNotAllowed");
    assertThat(client.call("listPipelines").findValuesAsText("pipelineName")).doesNotContain(name);
  }

  @Test
  void reads_answer_their_sdk_verb_and_get_alike() throws Exception {
    String pipelineId = pipelineWithAStep();
    assertThat(client.call("describePipeline", params("pipelineId", pipelineId)).path("pipelineId"))
        .hasToString("\"" + pipelineId + "\"");
    var get =
        client.raw(
            "GET",
            "listPipelineVersions" + query(Map.of("pipelineId", pipelineId, "limit", "5")),
            "application/json",
            "");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(get.body()).path("result").isArray()).isTrue();
  }

  @Test
  void other_verbs_and_paths_answer_in_the_envelope() throws Exception {
    failure(
        client.raw("OPTIONS", "listPipelines", "application/json", ""), 405, "MethodNotAllowed");
    var unknownPath = client.raw("GET", "listPipelines/more", "application/json", "");
    assertThat(failure(unknownPath, 404, "Generic404Error").path("error").asText())
        .contains("No such path");
  }

  /**
   * The SDK sends every key it knows for a method, optional ones as null in a body; whatever the
   * answer (the ids here exist nowhere), none is an unknown parameter.
   */
  @Test
  void every_sdk_method_takes_every_key_the_sdk_sends() {
    for (var entry : SdkMethods.all().entrySet()) {
      var method = entry.getValue();
      boolean query = method.verb().equals("GET") || method.verb().equals("DELETE");
      var params = new LinkedHashMap<String, Object>();
      for (String name : method.parameters()) {
        // A query leaves None out, so give each a value; a body sends them, null but the first.
        params.put(name, query || params.isEmpty() ? "nowhere" : null);
      }
      try {
        client.call(entry.getKey(), params);
      } catch (ApiException e) {
        assertThat(e.getMessage()).as(entry.getKey()).doesNotContain("unknown parameter");
        assertThat(e.httpStatus()).as(entry.getKey()).isIn(400, 404, 409);
      }
    }
  }
}
