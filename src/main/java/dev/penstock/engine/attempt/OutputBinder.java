package dev.penstock.engine.attempt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.OutputMapping;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a function's return value as its declared outputs (docs/abacus-api.md §7, rule 3). Pure and
 * thread-safe.
 */
final class OutputBinder {

  /** The outputs with their values, or the output errors. */
  record Outputs(List<OutputMapping> values, String errors) {
    boolean failed() {
      return errors != null;
    }
  }

  Outputs bind(List<OutputMapping> declared, JsonNode returned) {
    if (declared.isEmpty()) {
      return new Outputs(List.of(), null);
    }
    boolean keyed =
        returned != null
            && returned.isObject()
            && new HashSet<>(namesOf(declared)).equals(keysOf(returned));
    if (!keyed && declared.size() == 1) {
      return check(List.of(declared.get(0).withValue(returned)));
    }
    if (returned == null || !returned.isObject()) {
      return new Outputs(
          null,
          "the function returned %s, but %d outputs are declared: return a dict with keys %s"
              .formatted(
                  Values.describe(returned),
                  declared.size(),
                  String.join(", ", namesOf(declared))));
    }
    var values = new ArrayList<OutputMapping>();
    var errors = new ArrayList<String>();
    for (OutputMapping output : declared) {
      if (!returned.has(output.name())) {
        errors.add("output '" + output.name() + "' is missing from the returned dict");
      } else {
        values.add(output.withValue(returned.get(output.name())));
      }
    }
    if (!errors.isEmpty()) {
      return new Outputs(null, String.join("; ", errors));
    }
    return check(values);
  }

  private static Outputs check(List<OutputMapping> values) {
    var errors = new ArrayList<String>();
    for (OutputMapping output : values) {
      JsonNode value = output.value();
      if (value == null || !Values.matches(value, output.variableType())) {
        errors.add(
            "output '%s' should be %s but the function returned %s"
                .formatted(output.name(), output.variableType(), Values.describe(value)));
      }
    }
    return errors.isEmpty()
        ? new Outputs(values, null)
        : new Outputs(null, String.join("; ", errors));
  }

  private static List<String> namesOf(List<OutputMapping> declared) {
    return declared.stream().map(OutputMapping::name).toList();
  }

  private static Set<String> keysOf(JsonNode object) {
    var keys = new HashSet<String>();
    object.fieldNames().forEachRemaining(keys::add);
    return keys;
  }
}
