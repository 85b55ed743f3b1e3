package dev.penstock.model;

import com.fasterxml.jackson.databind.JsonNode;

/** One OutputVariableMapping; {@code value} is what a run's step returned for it (null before). */
public record OutputMapping(
    String name,
    VariableType variableType,
    String description,
    String longDescription,
    JsonNode value) {

  public OutputMapping withValue(JsonNode newValue) {
    return new OutputMapping(name, variableType, description, longDescription, newValue);
  }
}
