package dev.penstock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.penstock.api.dto.Mappings;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;

/**
 * Writes the OpenAPI 3 description of the API from the methods' own declarations, so it cannot
 * drift from what the server answers: a path {@code /api/v0/{method}} per method with the verb the
 * SDK uses, its parameters (in the query for GET and DELETE, a JSON body for POST and PATCH), the
 * {@code apiKey} header, and the envelope around each result. Thread-safe: stateless.
 */
final class OpenApi {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String SCHEMAS = "#/components/schemas/";

  /** No C0 or C1 control character, as {@link EntryLimits#name} checks. */
  private static final String NO_CONTROLS = "^[^\\u0000-\\u001F\\u007F-\\u009F]*$";

  private OpenApi() {}

  static ObjectNode document(Collection<ApiMethod> methods, String version, Limits limits) {
    var schemas = new WireSchemas(NODES.objectNode());
    ObjectNode root = NODES.objectNode();
    root.put("openapi", "3.0.3");
    ObjectNode info = root.putObject("info");
    info.put("title", "Penstock");
    info.put("version", version);
    info.put(
        "description",
        "Penstock's HTTP API: the pipelines part of the Abacus.AI API (docs/abacus-api.md), which"
            + " the official abacusai SDK calls, and Penstock's own extensions"
            + " (x-penstock-extension). Every answer is an envelope: {success: true, result} or"
            + " {success: false, error, errorType, requestId}.");
    root.putArray("security").addObject().putArray("apiKey");
    ObjectNode paths = root.putObject("paths");
    methods.stream()
        .sorted(Comparator.comparing(ApiMethod::name))
        .forEach(
            method ->
                paths
                    .putObject("/api/v0/" + method.name())
                    .set(
                        method.verb().name().toLowerCase(Locale.ROOT),
                        operation(method, schemas, limits)));
    paths.putObject("/api/v0/openapi.json").set("get", self());
    ObjectNode components = root.putObject("components");
    ObjectNode apiKey = components.putObject("securitySchemes").putObject("apiKey");
    apiKey.put("type", "apiKey");
    apiKey.put("in", "header");
    apiKey.put("name", "apiKey");
    ObjectNode all = components.putObject("schemas");
    all.set("Failure", failure());
    all.set("PythonFunctionArgument", mapping(Mappings.INPUT_KEYS, "PythonFunctionArgument"));
    all.set("OutputVariableMapping", mapping(Mappings.OUTPUT_KEYS, "OutputVariableMapping"));
    all.setAll(schemas.components());
    return root;
  }

  private static ObjectNode operation(ApiMethod method, WireSchemas schemas, Limits limits) {
    ObjectNode operation = NODES.objectNode();
    operation.put("operationId", method.name());
    operation.put("summary", method.summary());
    operation.put("x-penstock-changes-state", method.changesState());
    if (method.extension()) {
      operation.put("x-penstock-extension", true);
    }
    // Who may call it: every key for reads, admin keys for writes and key management, and a
    // run's own key where its run scope allows.
    operation.put(
        "x-penstock-access",
        method.access().adminOnly() ? "ADMIN" : method.changesState() ? "ADMIN" : "READ_ONLY");
    if (method.access().runScope() != ApiMethod.RunScope.NONE) {
      operation.put("x-penstock-run-key", method.access().runScope().name());
    }
    if (method.verb().readsQuery()) {
      ArrayNode parameters = operation.putArray("parameters");
      for (Parameter parameter : method.parameters()) {
        ObjectNode query = parameters.addObject();
        query.put("name", parameter.name());
        query.put("in", "query");
        query.put("required", parameter.required());
        query.put("description", meaning(parameter));
        if (parameter.use() == Parameter.Use.EXTENSION) {
          query.put("x-penstock-extension", true);
        }
        // Lists and dicts travel as JSON text in the query string, booleans as True/False.
        if (parameter.type().structured()) {
          query
              .putObject("content")
              .putObject("application/json")
              .set("schema", schema(parameter.type(), limits));
        } else {
          query.set("schema", schema(parameter.type(), limits));
        }
      }
    } else if (!method.parameters().isEmpty()) {
      ObjectNode body = NODES.objectNode();
      body.put("type", "object");
      body.put("additionalProperties", false);
      ObjectNode properties = body.putObject("properties");
      ArrayNode required = NODES.arrayNode();
      for (Parameter parameter : method.parameters()) {
        ObjectNode property = schema(parameter.type(), limits);
        property.put("description", meaning(parameter));
        if (parameter.required()) {
          required.add(parameter.name());
        } else {
          property.put("nullable", true); // the SDK sends every optional key, as null
        }
        if (parameter.use() == Parameter.Use.EXTENSION) {
          property.put("x-penstock-extension", true);
        }
        properties.set(parameter.name(), property);
      }
      if (!required.isEmpty()) {
        body.set("required", required);
      }
      ObjectNode requestBody = operation.putObject("requestBody");
      requestBody.put("required", true);
      requestBody.putObject("content").putObject("application/json").set("schema", body);
    }
    ObjectNode responses = operation.putObject("responses");
    ObjectNode ok = responses.putObject("200");
    ok.put("description", "success: the result in the envelope");
    ok.putObject("content").putObject("application/json").set("schema", success(method, schemas));
    ObjectNode failed = responses.putObject("default");
    failed.put(
        "description",
        "failure: 400, 403, 404, 405, 409, 413, 424 or 500, with the SDK's errorType");
    failed.putObject("content").putObject("application/json").set("schema", ref("Failure"));
    return operation;
  }

  private static String meaning(Parameter parameter) {
    return switch (parameter.use()) {
      case SDK -> parameter.meaning();
      case IGNORED -> parameter.meaning() + " (accepted and ignored)";
      case EXTENSION -> parameter.meaning() + " (Penstock extension)";
    };
  }

  private static ObjectNode schema(ParamType type, Limits limits) {
    ObjectNode schema = NODES.objectNode();
    switch (type) {
      case STRING -> schema.put("type", "string");
      case NAME, ID -> {
        schema.put("type", "string");
        schema.put("maxLength", limits.maxNameLength());
        schema.put("pattern", NO_CONTROLS);
      }
      case INTEGER -> {
        schema.put("type", "integer");
        schema.put("format", "int32");
      }
      case NUMBER -> {
        schema.put("type", "number");
        schema.put("format", "double");
      }
      case BOOLEAN -> schema.put("type", "boolean");
      case NAMES -> {
        schema.put("type", "array");
        schema.set("items", schema(ParamType.NAME, limits));
      }
      case STRINGS -> {
        schema.put("type", "array");
        schema.putObject("items").put("type", "string");
      }
      case ARGUMENTS -> {
        schema.put("type", "array");
        schema.set("items", ref("PythonFunctionArgument"));
      }
      case OUTPUTS -> {
        schema.put("type", "array");
        schema.set("items", ref("OutputVariableMapping"));
      }
      case OBJECT -> schema.put("type", "object");
      case LIST -> {
        schema.put("type", "array");
        schema.putObject("items");
      }
    }
    return schema;
  }

  private static ObjectNode success(ApiMethod method, WireSchemas schemas) {
    ObjectNode envelope = NODES.objectNode();
    envelope.put("type", "object");
    envelope.putArray("required").add("success").add("result");
    ObjectNode properties = envelope.putObject("properties");
    properties.putObject("success").put("type", "boolean").putArray("enum").add(true);
    var result = method.result();
    JsonNode resultSchema;
    if (result.type() == null) {
      ObjectNode nothing = NODES.objectNode();
      nothing.put("type", "object");
      nothing.put("nullable", true);
      nothing.put("description", "always null");
      resultSchema = nothing;
    } else if (result.list()) {
      ObjectNode list = NODES.objectNode();
      list.put("type", "array");
      list.set("items", schemas.of(result.type()));
      resultSchema = list;
    } else {
      resultSchema = schemas.of(result.type());
    }
    properties.set("result", resultSchema);
    return envelope;
  }

  private static ObjectNode failure() {
    ObjectNode schema = NODES.objectNode();
    schema.put("type", "object");
    schema.putArray("required").add("success").add("error").add("errorType");
    ObjectNode properties = schema.putObject("properties");
    properties.putObject("success").put("type", "boolean").putArray("enum").add(false);
    properties.putObject("error").put("type", "string");
    ArrayNode types = properties.putObject("errorType").put("type", "string").putArray("enum");
    ErrorMapper.ERROR_TYPES.forEach(types::add);
    properties
        .putObject("requestId")
        .put("type", "string")
        .put("description", "also in the x-request-id header, and in the server's log");
    return schema;
  }

  /** A mapping dict: its keys in both casings, the snake_case one an alias of the camelCase. */
  private static ObjectNode mapping(java.util.Set<String> keys, String title) {
    ObjectNode schema = NODES.objectNode();
    schema.put("type", "object");
    schema.put("title", title);
    schema.put("additionalProperties", false);
    ObjectNode properties = schema.putObject("properties");
    keys.stream()
        .sorted()
        .forEach(
            key -> {
              ObjectNode property = properties.putObject(key);
              switch (key) {
                case "value" -> property.put("description", "any JSON value");
                case "isRequired", "is_required" -> property.put("type", "boolean");
                default -> property.put("type", "string");
              }
              property.put("nullable", true);
            });
    return schema;
  }

  private static ObjectNode self() {
    ObjectNode operation = NODES.objectNode();
    operation.put("operationId", "openapi.json");
    operation.put("summary", "This document; it needs no API key.");
    operation.put("x-penstock-changes-state", false);
    operation.put("x-penstock-extension", true);
    operation.putArray("security").addObject();
    ObjectNode ok = operation.putObject("responses").putObject("200");
    ok.put("description", "the OpenAPI 3 document itself, not in an envelope");
    ok.putObject("content").putObject("application/json").putObject("schema").put("type", "object");
    return operation;
  }

  static ObjectNode ref(String name) {
    ObjectNode ref = NODES.objectNode();
    ref.put("$ref", SCHEMAS + name);
    return ref;
  }
}
