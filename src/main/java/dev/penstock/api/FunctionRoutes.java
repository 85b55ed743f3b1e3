package dev.penstock.api;

import dev.penstock.api.dto.Mappings;
import dev.penstock.api.dto.PythonFunctionResponse;
import dev.penstock.engine.definition.FunctionSpec;
import dev.penstock.model.NotFoundException;
import java.util.Locale;
import java.util.Map;

/** createPythonFunction and friends (docs/abacus-api.md §3). Thread-safe. */
final class FunctionRoutes {
  private final ApiServer.Services services;

  FunctionRoutes(ApiServer.Services services) {
    this.services = services;
  }

  void register(Map<String, ApiMethod> methods) {
    methods.put(
        "createPythonFunction",
        params ->
            PythonFunctionResponse.of(
                services.functions().create(params.requiredString("name"), spec(params))));
    methods.put(
        "updatePythonFunction",
        params ->
            PythonFunctionResponse.of(
                services.functions().update(params.requiredString("name"), spec(params))));
    methods.put(
        "describePythonFunction",
        params -> {
          String name = params.requiredString("name");
          return PythonFunctionResponse.of(
              services
                  .pipelines()
                  .findFunctionByName(name)
                  .orElseThrow(() -> new NotFoundException("Python function not found: " + name)));
        });
    methods.put(
        "deletePythonFunction",
        params -> {
          services.functions().delete(params.requiredString("name"));
          return null;
        });
    methods.put(
        "listPythonFunctions",
        params -> {
          String type = params.string("functionType");
          String filter = type == null ? "FEATURE_GROUP" : type.toUpperCase(Locale.ROOT);
          return services.pipelines().listFunctions(filter).stream()
              .map(PythonFunctionResponse::of)
              .toList();
        });
  }

  private static FunctionSpec spec(Params params) {
    var inputs = params.json("functionVariableMappings");
    var outputs = params.json("outputVariableMappings");
    return new FunctionSpec(
        params.string("sourceCode"),
        params.string("functionName"),
        inputs == null ? null : Mappings.inputs(inputs, "functionVariableMappings"),
        outputs == null ? null : Mappings.outputs(outputs, "outputVariableMappings"),
        params.strings("packageRequirements"),
        params.string("functionType"),
        params.string("description"),
        params.json("examples"),
        connectors(params),
        params.integer("timeout"));
  }

  private static com.fasterxml.jackson.databind.JsonNode connectors(Params params) {
    var user = params.json("userLevelConnectors");
    var org = params.json("orgLevelConnectors");
    if (user == null && org == null) {
      return null;
    }
    var node = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    node.set("userLevelConnectors", user);
    node.set("orgLevelConnectors", org);
    return node;
  }
}
