package dev.penstock.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One PythonFunctionArgument: binds the function parameter {@code name} to a literal {@code value}
 * or to the pipeline variable {@code pipelineVariable}. {@code value} is null when not given.
 * {@code variableType} is kept as the upper-case enum name.
 */
public record InputMapping(
    String name,
    VariableType variableType,
    boolean isRequired,
    JsonNode value,
    String pipelineVariable,
    String description,
    String longDescription,
    String itemType) {

  public InputMapping withValue(JsonNode newValue) {
    return new InputMapping(
        name,
        variableType,
        isRequired,
        newValue,
        pipelineVariable,
        description,
        longDescription,
        itemType);
  }
}
