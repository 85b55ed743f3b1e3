package dev.penstock.api.dto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.penstock.model.InputMapping;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.VariableType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes mapping lists (PythonFunctionArgument and OutputVariableMapping dicts). Requests
 * carry either casing, since the SDK sends camelCase and users' plain dicts are often snake_case;
 * responses use snake_case keys, which is what the SDK's own code indexes (docs/abacus-api.md
 * §4.6). Thread-safe.
 */
public final class Mappings {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The keys of a PythonFunctionArgument dict, in both casings (docs/abacus-api.md §4.10). */
  public static final Set<String> INPUT_KEYS =
      Set.of(
          "name",
          "variableType",
          "variable_type",
          "isRequired",
          "is_required",
          "value",
          "pipelineVariable",
          "pipeline_variable",
          "description",
          "longDescription",
          "long_description",
          "itemType",
          "item_type");

  /**
   * The keys of an OutputVariableMapping dict, in both casings, and {@code value}: the lists
   * Penstock answers with carry it, and a user may send one back as it came.
   */
  public static final Set<String> OUTPUT_KEYS =
      Set.of(
          "name",
          "variableType",
          "variable_type",
          "description",
          "longDescription",
          "long_description",
          "value");

  private Mappings() {}

  /** Parses an input mapping list; {@code parameter} names the request field in errors. */
  public static List<InputMapping> inputs(JsonNode list, String parameter) {
    var result = new ArrayList<InputMapping>();
    for (JsonNode item : items(list, parameter)) {
      String name = text(item, parameter, "name", "name");
      VariableType type = type(item, parameter, name, true);
      JsonNode required = field(item, "isRequired", "is_required");
      if (required != null && !required.isBoolean()) {
        throw new InvalidParameterException(
            where(parameter, name) + "isRequired must be true or false");
      }
      result.add(
          new InputMapping(
              name,
              type,
              required == null || required.asBoolean(),
              field(item, "value", "value"),
              text(item, parameter, "pipelineVariable", "pipeline_variable"),
              text(item, parameter, "description", "description"),
              text(item, parameter, "longDescription", "long_description"),
              text(item, parameter, "itemType", "item_type")));
    }
    return result;
  }

  /** Parses an output mapping list. */
  public static List<OutputMapping> outputs(JsonNode list, String parameter) {
    var result = new ArrayList<OutputMapping>();
    for (JsonNode item : items(list, parameter)) {
      String name = text(item, parameter, "name", "name");
      result.add(
          new OutputMapping(
              name,
              type(item, parameter, name, false),
              text(item, parameter, "description", "description"),
              text(item, parameter, "longDescription", "long_description"),
              null));
    }
    return result;
  }

  public static ArrayNode writeInputs(List<InputMapping> inputs) {
    ArrayNode array = NODES.arrayNode();
    if (inputs == null) {
      return array;
    }
    for (InputMapping input : inputs) {
      ObjectNode item = array.addObject();
      item.put("name", input.name());
      item.put("variable_type", input.variableType() == null ? null : input.variableType().name());
      item.put("is_required", input.isRequired());
      item.set("value", input.value() == null ? NullNode.instance : input.value());
      item.put("pipeline_variable", input.pipelineVariable());
      item.put("description", input.description());
      item.put("long_description", input.longDescription());
      item.put("item_type", input.itemType());
    }
    return array;
  }

  public static ArrayNode writeOutputs(List<OutputMapping> outputs) {
    ArrayNode array = NODES.arrayNode();
    if (outputs == null) {
      return array;
    }
    for (OutputMapping output : outputs) {
      ObjectNode item = array.addObject();
      item.put("name", output.name());
      item.put(
          "variable_type", output.variableType() == null ? null : output.variableType().name());
      item.put("description", output.description());
      item.put("long_description", output.longDescription());
      item.set("value", output.value() == null ? NullNode.instance : output.value());
    }
    return array;
  }

  private static Iterable<JsonNode> items(JsonNode list, String parameter) {
    if (!list.isArray()) {
      throw new InvalidParameterException(parameter + " must be a list of mappings");
    }
    for (JsonNode item : list) {
      if (!item.isObject()) {
        throw new InvalidParameterException(
            parameter + " must be a list of mappings, but holds " + item);
      }
    }
    return list;
  }

  private static VariableType type(JsonNode item, String parameter, String name, boolean input) {
    String text = text(item, parameter, "variableType", "variable_type");
    if (text == null) {
      throw new InvalidParameterException(where(parameter, name) + "variableType is required");
    }
    var allowed =
        Arrays.stream(VariableType.values())
            .filter(type -> input ? type.validForInput() : type.validForOutput())
            .map(Enum::name)
            .toList();
    return VariableType.parse(text)
        .filter(type -> input ? type.validForInput() : type.validForOutput())
        .orElseThrow(
            () ->
                new InvalidParameterException(
                    where(parameter, name)
                        + "unknown variableType '"
                        + text
                        + "'; expected one of "
                        + String.join(", ", allowed)));
  }

  private static JsonNode field(JsonNode item, String camel, String snake) {
    JsonNode value = item.get(camel);
    if (value == null || value.isNull()) {
      value = item.get(snake);
    }
    return value == null || value.isNull() ? null : value;
  }

  private static String text(JsonNode item, String parameter, String camel, String snake) {
    JsonNode value = field(item, camel, snake);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidParameterException(
          parameter + ": " + camel + " must be a string, not " + value);
    }
    return value.asText();
  }

  private static String where(String parameter, String name) {
    return parameter + (name == null ? "" : " '" + name + "'") + ": ";
  }
}
