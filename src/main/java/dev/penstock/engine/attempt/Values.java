package dev.penstock.engine.attempt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.penstock.engine.artifact.References;
import dev.penstock.model.VariableType;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

/**
 * Converts values to and checks values against {@link VariableType}s (docs/abacus-api.md §7, rules
 * 2 and 3). Thread-safe.
 */
final class Values {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Values() {}

  /** The value converted for a function argument of {@code type}, or empty when it cannot be. */
  static Optional<JsonNode> convert(JsonNode value, VariableType type) {
    if (References.isReference(value)) {
      // The step receives the stored value as its own Python type, whatever the input's type
      // says, but for a number or a boolean (there is no ANY among input types).
      boolean scalar =
          type == VariableType.INTEGER
              || type == VariableType.FLOAT
              || type == VariableType.BOOLEAN;
      return !scalar || References.matches(value, type) ? Optional.of(value) : Optional.empty();
    }
    return switch (type) {
      case INTEGER -> toInteger(value);
      case FLOAT -> toFloat(value);
      case BOOLEAN -> toBoolean(value);
      case JSON -> toContainer(value, false);
      case LIST -> toContainer(value, true);
      case ANY -> Optional.of(value);
      default -> Optional.of(value.isTextual() ? value : TextNode.valueOf(asText(value)));
    };
  }

  /** Whether a returned value is of the declared output type. */
  static boolean matches(JsonNode value, VariableType type) {
    if (References.isReference(value)) {
      return References.matches(value, type);
    }
    return switch (type) {
      case ANY -> true;
      case INTEGER -> value.isIntegralNumber();
      case FLOAT -> value.isNumber();
      case BOOLEAN -> value.isBoolean();
      case JSON -> value.isObject() || value.isArray();
      case LIST -> value.isArray();
      default -> value.isTextual();
    };
  }

  /** How a value's kind reads in an error message: the Python type name a user would recognise. */
  static String describe(JsonNode value) {
    if (value == null || value.isNull()) {
      return "None";
    }
    if (value.isBoolean()) {
      return "bool";
    }
    if (value.isIntegralNumber()) {
      return "int";
    }
    if (value.isNumber()) {
      return "float";
    }
    if (value.isTextual()) {
      return "str";
    }
    if (References.isReference(value)) {
      return References.describe(value);
    }
    return value.isArray() ? "list" : "dict";
  }

  private static Optional<JsonNode> toInteger(JsonNode value) {
    if (value.isIntegralNumber()) {
      return Optional.of(value);
    }
    try {
      if (value.isNumber()) {
        return Optional.of(integer(value.decimalValue().longValueExact()));
      }
      if (value.isTextual()) {
        return Optional.of(integer(new BigDecimal(value.asText().trim()).longValueExact()));
      }
    } catch (ArithmeticException | NumberFormatException notAnInteger) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** The node JSON parsing would give for this number, so converted values compare equal. */
  private static JsonNode integer(long value) {
    return value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
  }

  private static Optional<JsonNode> toFloat(JsonNode value) {
    if (value.isNumber()) {
      return Optional.of(DoubleNode.valueOf(value.doubleValue()));
    }
    if (value.isTextual()) {
      try {
        return Optional.of(DoubleNode.valueOf(Double.parseDouble(value.asText().trim())));
      } catch (NumberFormatException notANumber) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static Optional<JsonNode> toBoolean(JsonNode value) {
    if (value.isBoolean()) {
      return Optional.of(value);
    }
    if (value.isTextual()) {
      return switch (value.asText().trim().toLowerCase(Locale.ROOT)) {
        case "true" -> Optional.of(BooleanNode.TRUE);
        case "false" -> Optional.of(BooleanNode.FALSE);
        default -> Optional.empty();
      };
    }
    return Optional.empty();
  }

  private static Optional<JsonNode> toContainer(JsonNode value, boolean listOnly) {
    JsonNode candidate = value;
    if (value.isTextual()) {
      try {
        candidate = JSON.readTree(value.asText());
      } catch (Exception notJson) {
        return Optional.empty();
      }
    }
    if (candidate == null) {
      return Optional.empty();
    }
    boolean fits = listOnly ? candidate.isArray() : candidate.isArray() || candidate.isObject();
    return fits ? Optional.of(candidate) : Optional.empty();
  }

  private static String asText(JsonNode value) {
    return value.isValueNode() ? value.asText() : value.toString();
  }
}
