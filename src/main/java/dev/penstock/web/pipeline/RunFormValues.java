package dev.penstock.web.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.penstock.model.VariableType;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Reads what a person typed into a run form field as a value of the variable's type, the way the
 * engine will convert it when a step binds it (docs/abacus-api.md §7, rule 2), so a value the form
 * accepts is one the run can use, and one it refuses is told before the run starts. Stateless and
 * thread-safe; static/run-form.js applies the same rules in the browser.
 */
final class RunFormValues {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  // {"a": 1} as people write it, not Jackson's default {"a" : 1}.
  private static final ObjectWriter PRETTY =
      JSON.writer(
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

  private RunFormValues() {}

  /** The typed value of a field, or why the text is not one; {@code value} is null for "none". */
  record Parsed(JsonNode value, String error) {
    static Parsed ok(JsonNode value) {
      return new Parsed(value, null);
    }

    static Parsed fail(String error) {
      return new Parsed(null, error);
    }

    boolean failed() {
      return error != null;
    }
  }

  /**
   * Parses {@code text} as a {@code type}. Empty text means "no value" for every type but the
   * string-like ones, where it is the empty string; a required variable must have a value.
   */
  static Parsed parse(VariableType type, String text, boolean required) {
    String raw = text == null ? "" : text;
    String trimmed = raw.strip();
    if (trimmed.isEmpty() && !stringLike(type)) {
      return required ? Parsed.fail("A value is required.") : Parsed.ok(null);
    }
    return switch (type) {
      case INTEGER -> integer(trimmed);
      case FLOAT -> number(trimmed);
      case BOOLEAN -> bool(trimmed);
      case JSON -> json(trimmed, false);
      case LIST -> json(trimmed, true);
      default -> Parsed.ok(TextNode.valueOf(raw));
    };
  }

  /** How a stored value reads in its field: "" for none, indented JSON for containers. */
  static String text(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "";
    }
    if (value.isContainerNode()) {
      try {
        return PRETTY.writeValueAsString(value);
      } catch (JsonProcessingException cannotHappenForATree) {
        return value.toString();
      }
    }
    return value.asText();
  }

  /** Types whose value is any text: the empty field is the empty string, not "no value". */
  static boolean stringLike(VariableType type) {
    return switch (type) {
      case INTEGER, FLOAT, BOOLEAN, JSON, LIST -> false;
      default -> true;
    };
  }

  private static Parsed integer(String text) {
    try {
      long value = new BigDecimal(text).longValueExact();
      return Parsed.ok(
          value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value));
    } catch (NumberFormatException | ArithmeticException notAnInteger) {
      return Parsed.fail("Expected a whole number, such as 42.");
    }
  }

  private static Parsed number(String text) {
    try {
      double value = new BigDecimal(text).doubleValue();
      if (Double.isInfinite(value)) {
        return Parsed.fail("That number is too large.");
      }
      return Parsed.ok(DoubleNode.valueOf(value));
    } catch (NumberFormatException notANumber) {
      return Parsed.fail("Expected a number, such as 0.5 or 3.");
    }
  }

  private static Parsed bool(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> Parsed.ok(BooleanNode.TRUE);
      case "false" -> Parsed.ok(BooleanNode.FALSE);
      default -> Parsed.fail("Expected true or false.");
    };
  }

  private static Parsed json(String text, boolean listOnly) {
    JsonNode parsed;
    try {
      parsed = JSON.readTree(text);
    } catch (JsonProcessingException malformed) {
      String reason = malformed.getOriginalMessage();
      var location = malformed.getLocation();
      String where =
          location == null
              ? ""
              : " (line %d, column %d)".formatted(location.getLineNr(), location.getColumnNr());
      return Parsed.fail("Not valid JSON" + where + ": " + firstLine(reason));
    }
    if (parsed == null || parsed instanceof NullNode) {
      return Parsed.fail(listOnly ? "Expected a JSON list." : "Expected a JSON object or list.");
    }
    if (listOnly ? !parsed.isArray() : !parsed.isContainerNode()) {
      return Parsed.fail(
          listOnly
              ? "Expected a JSON list, such as [1, 2, 3]."
              : "Expected a JSON object or list, such as {\"a\": 1}.");
    }
    return Parsed.ok(parsed);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "malformed";
    }
    int end = text.indexOf('\n');
    return end < 0 ? text : text.substring(0, end);
  }
}
