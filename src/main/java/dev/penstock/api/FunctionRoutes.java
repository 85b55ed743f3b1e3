package dev.penstock.api;

import static dev.penstock.api.ApiMethod.Verb.DELETE;
import static dev.penstock.api.ApiMethod.Verb.GET;
import static dev.penstock.api.ApiMethod.Verb.PATCH;
import static dev.penstock.api.ApiMethod.Verb.POST;
import static dev.penstock.api.ParamType.ARGUMENTS;
import static dev.penstock.api.ParamType.INTEGER;
import static dev.penstock.api.ParamType.LIST;
import static dev.penstock.api.ParamType.NAME;
import static dev.penstock.api.ParamType.OBJECT;
import static dev.penstock.api.ParamType.OUTPUTS;
import static dev.penstock.api.ParamType.STRING;
import static dev.penstock.api.ParamType.STRINGS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.penstock.api.dto.PythonFunctionResponse;
import dev.penstock.engine.definition.FunctionSpec;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PythonFunction;
import java.util.List;
import java.util.Locale;

/** createPythonFunction and friends (docs/abacus-api.md §3). Thread-safe. */
final class FunctionRoutes {
  private static final String NAME_MEANING = "the function's name, a Python identifier";

  private final ApiServer.Services services;

  FunctionRoutes(ApiServer.Services services) {
    this.services = services;
  }

  List<ApiMethod> methods() {
    return List.of(
        withSpec(
                ApiMethod.write(POST, "createPythonFunction", "Stores a reusable Python function.")
                    .required("name", NAME, NAME_MEANING + ", unique among functions"))
            .optional(
                "functionType",
                STRING,
                "FEATURE_GROUP (the SDK's default), PLOTLY_FIG, STEP_FUNCTION, USERCODE_TOOL or"
                    + " CONNECTOR_TOOL")
            .returns(PythonFunctionResponse.class)
            .handler(
                params ->
                    response(
                        services.functions().create(params.string("name"), spec(params, true)))),
        withSpec(
                ApiMethod.write(PATCH, "updatePythonFunction", "Changes the fields given.")
                    .required("name", NAME, NAME_MEANING))
            .returns(PythonFunctionResponse.class)
            .handler(
                params ->
                    response(
                        services.functions().update(params.string("name"), spec(params, false)))),
        ApiMethod.read(GET, "describePythonFunction", "A Python function, with its code.")
            .required("name", NAME, NAME_MEANING)
            .returns(PythonFunctionResponse.class)
            .handler(
                params -> {
                  String name = params.string("name");
                  return response(
                      services
                          .pipelines()
                          .findFunctionByName(name)
                          .orElseThrow(
                              () -> new NotFoundException("Python function not found: " + name)));
                }),
        ApiMethod.write(
                DELETE, "deletePythonFunction", "Deletes a Python function (not a step's own).")
            .required("name", NAME, NAME_MEANING)
            .handler(
                params -> {
                  services.functions().delete(params.string("name"));
                  return null;
                }),
        ApiMethod.read(GET, "listPythonFunctions", "The Python functions of one type.")
            .optional("functionType", STRING, "the type to list (default FEATURE_GROUP)")
            .returnsListOf(PythonFunctionResponse.class)
            .handler(
                params -> {
                  String type = params.string("functionType");
                  String filter = type == null ? "FEATURE_GROUP" : type.toUpperCase(Locale.ROOT);
                  var links = new ModuleLinks(services.moduleStore());
                  return services.pipelines().listFunctions(filter).stream()
                      .map(function -> PythonFunctionResponse.of(function, links))
                      .toList();
                }));
  }

  /** The parameters createPythonFunction and updatePythonFunction share. */
  private static ApiMethod.Builder withSpec(ApiMethod.Builder method) {
    return method
        .optional("sourceCode", STRING, "the Python source that defines it")
        .optional("functionName", NAME, "the function in sourceCode to call")
        .optional("functionVariableMappings", ARGUMENTS, "the function's arguments")
        .optional("packageRequirements", STRINGS, "pip requirement specifiers")
        .optional("description", STRING, "what it does")
        .optional("examples", OBJECT, "positive_examples and negative_examples, kept and shown")
        .optional("userLevelConnectors", OBJECT, "user-level connectors, kept and shown")
        .optional("orgLevelConnectors", LIST, "organization-level connectors, kept and shown")
        .optional("outputVariableMappings", OUTPUTS, "the elements of its return value")
        .optional("timeout", INTEGER, "seconds (the SDK allows it for USERCODE_TOOL), kept");
  }

  private static FunctionSpec spec(Params params, boolean typed) {
    return new FunctionSpec(
        params.string("sourceCode"),
        params.string("functionName"),
        params.arguments("functionVariableMappings"),
        params.outputs("outputVariableMappings"),
        params.strings("packageRequirements"),
        typed ? params.string("functionType") : null,
        params.string("description"),
        params.json("examples"),
        connectors(params),
        params.integer("timeout"));
  }

  private static JsonNode connectors(Params params) {
    var user = params.json("userLevelConnectors");
    var org = params.json("orgLevelConnectors");
    if (user == null && org == null) {
      return null;
    }
    var node = JsonNodeFactory.instance.objectNode();
    node.set("userLevelConnectors", user);
    node.set("orgLevelConnectors", org);
    return node;
  }

  private PythonFunctionResponse response(PythonFunction function) {
    return PythonFunctionResponse.of(function, new ModuleLinks(services.moduleStore()));
  }
}
