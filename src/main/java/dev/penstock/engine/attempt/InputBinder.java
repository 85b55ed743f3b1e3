package dev.penstock.engine.attempt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.InputMapping;
import dev.penstock.model.StepVersion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binds a step's input mappings to values from the run's scope (docs/abacus-api.md §7, rule 2).
 * Pure and thread-safe.
 */
final class InputBinder {

  /** The arguments to call the function with, and the mappings as bound, or the reason it can't. */
  record Binding(Map<String, JsonNode> kwargs, List<InputMapping> bound, String error) {
    boolean failed() {
      return error != null;
    }
  }

  Binding bind(StepVersion step, Map<String, JsonNode> scope) {
    var kwargs = new LinkedHashMap<String, JsonNode>();
    var bound = new ArrayList<InputMapping>();
    for (InputMapping input : step.inputs()) {
      JsonNode value = null;
      if (input.pipelineVariable() != null) {
        value = present(scope.get(input.pipelineVariable()));
      }
      if (value == null) {
        value = present(input.value());
      }
      if (value == null) {
        if (input.isRequired()) {
          return failure(missing(input));
        }
        bound.add(input);
        continue;
      }
      var converted = Values.convert(value, input.variableType());
      if (converted.isEmpty()) {
        return failure(
            "argument '%s' of type %s: cannot convert %s value %s"
                .formatted(
                    input.name(), input.variableType(), Values.describe(value), abbreviate(value)));
      }
      kwargs.put(input.name(), converted.get());
      bound.add(input.withValue(converted.get()));
    }
    return new Binding(kwargs, bound, null);
  }

  private static JsonNode present(JsonNode value) {
    return value == null || value.isNull() || value.isMissingNode() ? null : value;
  }

  private static String missing(InputMapping input) {
    if (input.pipelineVariable() != null) {
      return "missing required argument '%s': pipeline variable '%s' has no value and no default value is given"
          .formatted(input.name(), input.pipelineVariable());
    }
    return "missing required argument '%s': no value and no pipeline variable given"
        .formatted(input.name());
  }

  private static Binding failure(String error) {
    return new Binding(Map.of(), List.of(), error);
  }

  private static String abbreviate(JsonNode value) {
    String text = value.toString();
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
