package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.ApiAssertions.assertFails;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The wire contract below the methods: handshake, authentication, the envelope, request ids, verbs,
 * parameter encodings and malformed requests.
 */
class ApiTransportE2ETest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass(Map.of(ConfigKey.MAX_BODY_SIZE, "64KB"));

  private static final ObjectMapper JSON = new ObjectMapper();
  private final AbacusClient client = server.client();

  /** The response has this status and an envelope saying it failed; returns the envelope. */
  private static JsonNode failureEnvelope(HttpResponse<String> response, int status)
      throws IOException {
    assertThat(response.statusCode()).isEqualTo(status);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("success").asBoolean()).isFalse();
    return body;
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
  void malformed_json_is_an_invalid_request_in_the_envelope() throws Exception {
    var response = client.raw("POST", "createPipeline", "application/json", "{\"pipelineName\": ");
    JsonNode body = failureEnvelope(response, 400);
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
            StepRequest.named("s")
                .source("def f(x, y=1):\n    return x + y\n")
                .function("f")
                .with("memory", "lots")
                .addTo(client, pipelineId),
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
    // Sent only if the server asks for it: a server that answers 413 and closes the connection
    // while a body is still on its way may lose the answer for the client (a reset).
    var response = client.rawWithContinue("POST", "createPipeline", "application/json", big);
    assertThat(failureEnvelope(response, 413).path("error").asText())
        .contains("larger than the limit");
  }

  @Test
  void an_unknown_method_is_404_in_the_envelope() throws Exception {
    var response = client.raw("POST", "pausePipeline", "application/json", "{}");
    assertThat(failureEnvelope(response, 404).path("error").asText()).contains("pausePipeline");
  }

  @Test
  void a_read_answers_get_too_and_every_response_has_a_request_id() throws Exception {
    String pipelineId = createPipeline(client, uniqueName("verbs"));
    var response =
        client.raw(
            "POST", "describePipelineByName", "application/json", "{\"pipelineName\": null}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("x-request-id")).isPresent();

    var post =
        client.raw(
            "POST",
            "describePipeline",
            "application/json",
            "{\"pipelineId\": \"" + pipelineId + "\"}");
    assertThat(post.headers().firstValue("x-request-id")).isPresent();
    assertThat(JSON.readTree(post.body()).path("success").asBoolean()).isTrue();

    // The SDK POSTs describePipeline; a GET with the id in the query string answers the same.
    String query = "?pipelineId=" + URLEncoder.encode(pipelineId, StandardCharsets.UTF_8);
    var get = client.raw("GET", "describePipeline" + query, "application/json", "");
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.headers().firstValue("x-request-id")).isPresent();
    JsonNode body = JSON.readTree(get.body());
    assertThat(body.path("success").asBoolean()).isTrue();
    assertThat(body.path("result").path("pipelineId").asText()).isEqualTo(pipelineId);
  }

  /** A request the HTTP client would not send, written on a socket; answers the whole response. */
  private static String rawHttp(String request) throws IOException {
    var url = java.net.URI.create(server.url());
    try (var socket = new java.net.Socket(url.getHost(), url.getPort())) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void what_jetty_refuses_before_any_route_is_answered_in_the_envelope_too() throws Exception {
    String badUri =
        rawHttp(
            "GET /api/v0/% HTTP/1.1\r\nHost: localhost\r\napiKey: "
                + TestServer.ADMIN_KEY
                + "\r\nConnection: close\r\n\r\n");
    assertThat(badUri)
        .startsWith("HTTP/1.1 400")
        .containsIgnoringCase("x-request-id: ")
        .contains("\"success\":false")
        .contains("\"errorType\":\"InvalidRequest\"");
    String hugeHeaders =
        rawHttp(
            "GET /api/v0/version HTTP/1.1\r\nHost: localhost\r\nX-Big: %s\r\nConnection: close\r\n\r\n"
                .formatted("a".repeat(20_000)));
    assertThat(hugeHeaders)
        .startsWith("HTTP/1.1 431")
        .containsIgnoringCase("x-request-id: ")
        .contains("\"errorType\":\"InvalidRequest\"");
  }
}
