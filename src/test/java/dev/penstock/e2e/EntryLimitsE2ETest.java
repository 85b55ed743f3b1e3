package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.ApiAssertions.assertFails;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The limits on what a request may hold, at their defaults: checked where each value enters, with a
 * 400 naming the parameter and the limit, and nothing stored.
 */
class EntryLimitsE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final AbacusClient client = server.client();

  private static final String SOURCE = "def f(x=None):\n    return 1\n";

  private int runsOf(String pipelineId) {
    return client.call("listPipelineVersions", params("pipelineId", pipelineId)).size();
  }

  private String pipelineWithAStep() {
    String pipelineId = createPipeline(client, uniqueName("limits"));
    StepRequest.named("s").source(SOURCE).function("f").addTo(client, pipelineId);
    return pipelineId;
  }

  /** A JSON value nested {@code depth} lists deep: [[...[0]...]]. */
  private static ArrayNode nested(int depth) {
    ArrayNode outer = NODES.arrayNode();
    ArrayNode current = outer;
    for (int level = 1; level < depth; level++) {
      current = current.addArray();
    }
    current.add(0);
    return outer;
  }

  private static ObjectNode variable(String name, Object value) {
    ObjectNode mapping = NODES.objectNode();
    mapping.put("name", name);
    mapping.put("variableType", "JSON");
    mapping.set("value", JSON.valueToTree(value));
    return mapping;
  }

  @Test
  void a_name_past_the_limit_is_refused_naming_the_parameter_and_the_limit() {
    assertFails(
        () -> createPipeline(client, "p".repeat(201)),
        400,
        "InvalidParameterError",
        "pipelineName is 201 characters long; the limit is 200 (max-name-length)");
    // A 15 MB name would make every listPipelines 15 MB bigger.
    assertFails(
        () -> createPipeline(client, "q".repeat(15 * 1024 * 1024)),
        400,
        "InvalidParameterError",
        "pipelineName is 15,728,640 characters long");
    assertThat(client.call("listPipelines").findValuesAsText("pipelineName"))
        .noneMatch(name -> name.startsWith("ppp") || name.startsWith("qqq"));
    String pipelineId = createPipeline(client, "p".repeat(200));
    assertFails(
        () ->
            StepRequest.named("s".repeat(201))
                .source(SOURCE)
                .function("f")
                .addTo(client, pipelineId),
        400,
        "InvalidParameterError",
        "stepName is 201 characters long");
  }

  @Test
  void a_control_character_in_a_name_is_refused_and_nothing_is_stored() {
    String pipelineId = createPipeline(client, uniqueName("nul"));
    // Accepted, a NUL would fail every run of the step with "embedded null byte".
    assertFails(
        () -> StepRequest.named("bad\0step").source(SOURCE).function("f").addTo(client, pipelineId),
        400,
        "InvalidParameterError",
        "stepName holds the control character U+0000 at position 3");
    assertFails(
        () -> createPipeline(client, "two\nlines"),
        400,
        "InvalidParameterError",
        "pipelineName holds the control character U+000A");
    assertFails(
        () ->
            StepRequest.named("s")
                .source(SOURCE)
                .function("f")
                .after("a\u0085b")
                .addTo(client, pipelineId),
        400,
        "InvalidParameterError",
        "stepDependencies[0] holds the control character U+0085");
    assertThat(client.call("describePipeline", params("pipelineId", pipelineId)).path("steps"))
        .isEmpty();
  }

  @Test
  void a_nul_in_free_text_is_refused() {
    String pipelineId = createPipeline(client, uniqueName("text"));
    assertFails(
        () ->
            StepRequest.named("s")
                .source("def f():\n    return 1\0\n")
                .function("f")
                .addTo(client, pipelineId),
        400,
        "InvalidParameterError",
        "sourceCode holds a NUL character (U+0000) at position 21");
  }

  @Test
  void a_module_name_must_be_importable() {
    assertFails(
        () -> client.call("createModule", params("name", "m".repeat(201), "sourceCode", "x = 1\n")),
        400,
        "InvalidParameterError",
        "name is 201 characters long");
    assertFails(
        () -> client.call("createModule", params("name", "class", "sourceCode", "x = 1\n")),
        400,
        "InvalidParameterError",
        "not a valid Python identifier");
    // Past the file-name limit, even when the server allows longer names.
    try (var generous = TestServer.start(Map.of(ConfigKey.MAX_NAME_LENGTH, "1000"))) {
      assertFails(
          () ->
              generous
                  .client()
                  .call("createModule", params("name", "m".repeat(300), "sourceCode", "x = 1\n")),
          400,
          "InvalidParameterError",
          "module name is 300 characters long; a module name is at most 252");
      assertThat(generous.client().call("listModules")).isEmpty();
    }
  }

  @Test
  void a_five_megabyte_variable_is_taken_and_a_nine_megabyte_one_refused() {
    String pipelineId = pipelineWithAStep();
    String fiveMb = "v".repeat(5 * 1024 * 1024);
    String version =
        Steps.run(client, pipelineId, List.of(Steps.input("big", "STRING", fiveMb, null)));
    assertThat(server.awaitFinished(version).path("status").asText()).isEqualTo("COMPLETE");
    assertFails(
        () ->
            Steps.run(
                client,
                pipelineId,
                List.of(Steps.input("big", "STRING", "v".repeat(9 * 1024 * 1024), null))),
        400,
        "InvalidParameterError",
        "pipelineVariableMappings[0] ('big'): the value is more than 8,388,608 bytes of JSON;"
            + " the limit is 8,388,608 bytes (max-value-size)");
    assertThat(runsOf(pipelineId)).isEqualTo(1);
  }

  @Test
  void a_literal_input_value_past_the_limit_is_refused() {
    String pipelineId = createPipeline(client, uniqueName("literal"));
    assertFails(
        () ->
            StepRequest.named("s")
                .source(SOURCE)
                .function("f")
                .input("x", "STRING", "w".repeat(9 * 1024 * 1024))
                .addTo(client, pipelineId),
        400,
        "InvalidParameterError",
        "stepInputMappings[0] ('x'): the value is more than 8,388,608 bytes");
  }

  @Test
  void json_nested_past_the_limit_is_refused_naming_the_parameter() throws Exception {
    String pipelineId = pipelineWithAStep();
    // The list of mappings and the mapping are two levels: a value 98 deep makes 100, the limit.
    client.call(
        "updatePipeline",
        params(
            "pipelineId",
            pipelineId,
            "pipelineVariableMappings",
            List.of(variable("x", nested(98)))));
    for (int depth : new int[] {99, 990}) {
      assertFails(
          () ->
              client.call(
                  "runPipeline",
                  params(
                      "pipelineId",
                      pipelineId,
                      "pipelineVariableMappings",
                      List.of(variable("x", nested(depth))))),
          400,
          "InvalidParameterError",
          "pipelineVariableMappings nests JSON deeper than the limit of 100 levels"
              + " (max-json-depth)");
    }
    // JSON text in a query string is held to the same limit.
    String deep = JSON.writeValueAsString(List.of(variable("x", nested(99))));
    var response =
        client.raw(
            "POST",
            "runPipeline?pipelineVariableMappings="
                + URLEncoder.encode(deep, StandardCharsets.UTF_8),
            "application/json",
            "{\"pipelineId\": \"" + pipelineId + "\"}");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .contains("pipelineVariableMappings nests JSON deeper than the limit of 100 levels");
    assertThat(runsOf(pipelineId)).isZero();
  }
}
