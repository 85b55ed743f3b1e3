package dev.penstock.engine.attempt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.engine.artifact.References;
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
  private static final int MAX_KEYS_SHOWN = 10;

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
      OutputMapping only = declared.get(0);
      if (returned != null
          && returned.isObject()
          && !References.isReference(returned)
          && !returned.has(only.name())
          && !Values.matches(returned, only.variableType())) {
        // Most likely a dict keyed by a name other than the output's: say so, not "wrong type".
        return new Outputs(null, missing(only, returned));
      }
      return check(List.of(only.withValue(returned)));
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
        errors.add(missing(output, returned));
      } else {
        values.add(output.withValue(returned.get(output.name())));
      }
    }
    if (!errors.isEmpty()) {
      return new Outputs(null, String.join("; ", errors));
    }
    return check(values);
  }

  private static String missing(OutputMapping output, JsonNode returned) {
    var keys = new ArrayList<String>();
    returned.fieldNames().forEachRemaining(keys::add);
    String shown =
        keys.size() <= MAX_KEYS_SHOWN
            ? String.join(", ", keys)
            : String.join(", ", keys.subList(0, MAX_KEYS_SHOWN))
                + " and "
                + (keys.size() - MAX_KEYS_SHOWN)
                + " more";
    return "output '%s' is missing: the function returned %s"
        .formatted(output.name(), keys.isEmpty() ? "an empty dict" : "a dict with keys " + shown);
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
