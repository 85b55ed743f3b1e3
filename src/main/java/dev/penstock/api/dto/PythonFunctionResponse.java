package dev.penstock.api.dto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.PythonFunction;
import java.util.List;

/** The SDK's PythonFunction (docs/abacus-api.md §4.6); mapping lists are raw snake_case dicts. */
public record PythonFunctionResponse(
    String notebookId,
    String name,
    String createdAt,
    JsonNode functionVariableMappings,
    JsonNode outputVariableMappings,
    String functionName,
    String pythonFunctionId,
    String functionType,
    List<String> packageRequirements,
    String description,
    JsonNode examples,
    JsonNode connectors,
    JsonNode configurations,
    CodeSourceResponse codeSource) {

  public static PythonFunctionResponse of(
      PythonFunction function, ModuleDependencies dependencies) {
    return new PythonFunctionResponse(
        null,
        function.name(),
        Times.iso(function.createdAt()),
        Mappings.writeInputs(function.inputs()),
        Mappings.writeOutputs(function.outputs()),
        function.functionName(),
        function.id(),
        function.functionType(),
        function.packageRequirements(),
        function.description(),
        function.examples(),
        function.connectors(),
        null,
        CodeSourceResponse.text(
            function.sourceCode(),
            function.packageRequirements(),
            dependencies.of(function.sourceCode())));
  }
}
