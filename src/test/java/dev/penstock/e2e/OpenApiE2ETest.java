package dev.penstock.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.testing.SdkMethods;
import dev.penstock.testing.TestServer;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code GET /api/v0/openapi.json}: a valid OpenAPI 3 document, fetched without a key, that
 * describes exactly the methods the server answers, each with the SDK's verb and every key the SDK
 * sends, checked both ways against the SDK's own list and the live server.
 */
class OpenApiE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "/api/v0/";
  private static String text;
  private static OpenAPI document;

  @BeforeAll
  static void fetchTheDocumentWithoutAKey() {
    var response = server.client().withKey(null).raw("GET", "openapi.json", "text/plain", "");
    assertThat(response.statusCode()).isEqualTo(200);
    text = response.body();
    var options = new ParseOptions();
    options.setResolve(true);
    var parsed = new OpenAPIV3Parser().readContents(text, null, options);
    assertThat(parsed.getMessages()).as("what the parser found wrong").isEmpty();
    document = parsed.getOpenAPI();
  }

  private static Map.Entry<PathItem.HttpMethod, Operation> onlyOperation(String method) {
    PathItem path = document.getPaths().get(PREFIX + method);
    assertThat(path).as("the path of " + method).isNotNull();
    assertThat(path.readOperationsMap()).as(method).hasSize(1);
    return path.readOperationsMap().entrySet().iterator().next();
  }

  private static Set<String> parameterNames(Operation operation) {
    var names = new LinkedHashSet<String>();
    if (operation.getParameters() != null) {
      operation.getParameters().stream()
          .peek(parameter -> assertThat(parameter.getIn()).isEqualTo("query"))
          .map(Parameter::getName)
          .forEach(names::add);
    }
    if (operation.getRequestBody() != null) {
      var schema = operation.getRequestBody().getContent().get("application/json").getSchema();
      assertThat(schema.getAdditionalProperties()).isEqualTo(false);
      names.addAll(schema.getProperties().keySet());
    }
    return names;
  }

  @Test
  void it_is_openapi_3_with_the_api_key_header_and_the_envelope() throws Exception {
    assertThat(document.getOpenapi()).startsWith("3.0");
    SecurityScheme apiKey = document.getComponents().getSecuritySchemes().get("apiKey");
    assertThat(apiKey.getType()).isEqualTo(SecurityScheme.Type.APIKEY);
    assertThat(apiKey.getIn()).isEqualTo(SecurityScheme.In.HEADER);
    assertThat(apiKey.getName()).isEqualTo("apiKey");
    assertThat(document.getSecurity()).isNotEmpty();

    JsonNode raw = JSON.readTree(text);
    JsonNode run = raw.at("/paths/~1api~1v0~1runPipeline/post");
    JsonNode success = run.at("/responses/200/content/application~1json/schema");
    assertThat(success.at("/properties/success/enum/0").asBoolean()).isTrue();
    assertThat(success.at("/properties/result/$ref").asText())
        .isEqualTo("#/components/schemas/PipelineVersion");
    assertThat(run.at("/responses/default/content/application~1json/schema/$ref").asText())
        .isEqualTo("#/components/schemas/Failure");
    assertThat(
            raw.at("/components/schemas/PipelineVersion/properties/stepVersions/items/$ref")
                .asText())
        .isEqualTo("#/components/schemas/PipelineStepVersion");
    assertThat(raw.at("/components/schemas/Failure/properties/errorType/enum").toString())
        .contains("MethodNotAllowed", "InvalidParameterError", "InternalServerError");
  }

  /** What swagger-parser leaves unchecked: every schema type is one OpenAPI 3.0 has. */
  @Test
  void every_schema_type_is_an_openapi_type() throws Exception {
    var types = new LinkedHashSet<String>();
    collectTypes(JSON.readTree(text), types);
    assertThat(types)
        .isNotEmpty()
        .isSubsetOf("string", "number", "integer", "boolean", "array", "object");
  }

  private static void collectTypes(JsonNode node, Set<String> types) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              field -> {
                // "type" is a schema's keyword, except where it names a security scheme's kind.
                if (field.getKey().equals("type")
                    && field.getValue().isTextual()
                    && !node.has("in")) {
                  types.add(field.getValue().asText());
                }
                collectTypes(field.getValue(), types);
              });
    } else if (node.isArray()) {
      node.forEach(item -> collectTypes(item, types));
    }
  }

  @Test
  void every_sdk_method_is_described_with_its_verb_and_every_key_the_sdk_sends() {
    for (var entry : SdkMethods.all().entrySet()) {
      var method = entry.getValue();
      var operation = onlyOperation(entry.getKey());
      assertThat(operation.getKey().name()).as(entry.getKey()).isEqualTo(method.verb());
      var expected = new HashSet<String>(method.parameters());
      expected.addAll(method.extensions());
      assertThat(parameterNames(operation.getValue()))
          .as("parameters of " + entry.getKey())
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(operation.getValue().getExtensions().get("x-penstock-changes-state"))
          .as(entry.getKey() + " changes state")
          .isEqualTo(!SdkMethods.reads(entry.getKey()));
    }
  }

  @Test
  void every_described_method_is_one_the_server_answers_and_the_sdk_knows() throws Exception {
    for (String path : document.getPaths().keySet()) {
      String method = path.substring(PREFIX.length());
      if (method.equals("openapi.json")) {
        continue;
      }
      assertThat(SdkMethods.all()).as("the SDK's list").containsKey(method);
      String verb = onlyOperation(method).getKey().name().toUpperCase(Locale.ROOT);
      var response = server.client().raw(verb, method, "application/json", "{}");
      assertThat(JSON.readTree(response.body()).path("errorType").asText())
          .as(verb + " " + method)
          .isNotEqualTo("Generic404Error");
    }
    var nowhere = server.client().raw("POST", "noSuchMethod", "application/json", "{}");
    assertThat(nowhere.statusCode()).isEqualTo(404);
    assertThat(document.getPaths()).doesNotContainKey(PREFIX + "noSuchMethod");
    assertThat(List.copyOf(document.getPaths().keySet()))
        .hasSize(SdkMethods.all().size() + 1); // and openapi.json itself
  }
}
