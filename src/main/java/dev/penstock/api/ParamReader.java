package dev.penstock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.penstock.api.dto.Mappings;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.MissingParameterException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a request into {@link Params} for one method, refusing before anything runs what the method
 * cannot take: a parameter it does not declare (in the body or the query string, with the closest
 * known name), a required one missing, a value of the wrong type, and anything past the {@link
 * Limits}. Thread-safe.
 */
final class ParamReader {
  private final JsonInput json;
  private final EntryLimits entry;

  ParamReader(Limits limits) {
    this.json = new JsonInput(limits);
    this.entry = new EntryLimits(limits);
  }

  /** The parameters in a POST or PATCH body: an object, or nothing. */
  ObjectNode body(byte[] bytes) {
    return json.body(bytes);
  }

  Params read(ApiMethod method, ObjectNode body, Map<String, List<String>> query) {
    body.fieldNames().forEachRemaining(name -> known(method, name));
    query.keySet().forEach(name -> known(method, name));
    var values = new HashMap<String, Object>();
    for (Parameter parameter : method.parameters()) {
      JsonNode given = body.get(parameter.name());
      if (given == null || given.isNull()) {
        List<String> texts = query.get(parameter.name());
        given = texts == null || texts.isEmpty() ? null : fromQuery(parameter, texts.get(0));
      }
      Object value = given == null ? null : convert(parameter, given);
      if (parameter.required() && (value == null || value instanceof String s && s.isBlank())) {
        throw new MissingParameterException(parameter.name() + " is required");
      }
      if (value != null) {
        values.put(parameter.name(), value);
      }
    }
    return new Params(method, values);
  }

  private static void known(ApiMethod method, String name) {
    if (method.parameter(name).isPresent()) {
      return;
    }
    var names = method.parameters().stream().map(Parameter::name).toList();
    String hint =
        Closest.to(name, names)
            .map(closest -> "; did you mean '" + closest + "'?")
            .orElse(
                names.isEmpty()
                    ? "; it takes no parameters"
                    : "; it takes " + String.join(", ", names));
    throw new InvalidParameterException(
        "unknown parameter '" + name + "' for " + method.name() + hint);
  }

  /** Query text as the JSON value the SDK would have put in a body. */
  private JsonNode fromQuery(Parameter parameter, String text) {
    String name = parameter.name();
    return switch (parameter.type()) {
      case INTEGER -> {
        try {
          yield IntNode.valueOf(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
          throw new InvalidParameterException(name + " must be a whole number, not '" + text + "'");
        }
      }
      case NUMBER -> {
        try {
          yield DoubleNode.valueOf(Double.parseDouble(text.trim()));
        } catch (NumberFormatException e) {
          throw new InvalidParameterException(name + " must be a number, not '" + text + "'");
        }
      }
      case BOOLEAN -> {
        String trimmed = text.trim();
        if (trimmed.equalsIgnoreCase("true")) {
          yield BooleanNode.TRUE;
        }
        if (trimmed.equalsIgnoreCase("false")) {
          yield BooleanNode.FALSE;
        }
        throw new InvalidParameterException(name + " must be True or False, not '" + text + "'");
      }
      case NAMES, STRINGS, ARGUMENTS, OUTPUTS, OBJECT, LIST -> json.queryValue(name, text);
      case STRING, NAME, ID -> TextNode.valueOf(text);
    };
  }

  private Object convert(Parameter parameter, JsonNode value) {
    String name = parameter.name();
    return switch (parameter.type()) {
      case STRING -> entry.text(name, text(name, value));
      case NAME, ID -> entry.name(name, text(name, value));
      case INTEGER -> {
        if (value.isIntegralNumber() && value.canConvertToInt()) {
          yield value.intValue();
        }
        throw new InvalidParameterException(name + " must be a whole number, not " + value);
      }
      case NUMBER -> {
        if (value.isNumber()) {
          yield value.doubleValue();
        }
        throw new InvalidParameterException(name + " must be a number, not " + value);
      }
      case BOOLEAN -> {
        if (value.isBoolean()) {
          yield value.booleanValue();
        }
        throw new InvalidParameterException(name + " must be true or false, not " + value);
      }
      case NAMES, STRINGS -> strings(parameter, value);
      case ARGUMENTS -> {
        entry.mappingKeys(name, value, Mappings.INPUT_KEYS);
        yield entry.arguments(name, Mappings.inputs(value, name));
      }
      case OUTPUTS -> {
        entry.mappingKeys(name, value, Mappings.OUTPUT_KEYS);
        yield entry.outputs(name, Mappings.outputs(value, name));
      }
      case OBJECT -> {
        if (value.isObject()) {
          yield value;
        }
        throw new InvalidParameterException(name + " must be a dict, not " + value);
      }
      case LIST -> {
        if (value.isArray()) {
          yield value;
        }
        throw new InvalidParameterException(name + " must be a list, not " + value);
      }
    };
  }

  private List<String> strings(Parameter parameter, JsonNode value) {
    String name = parameter.name();
    if (!value.isArray()) {
      throw new InvalidParameterException(name + " must be a list of strings, not " + value);
    }
    var result = new ArrayList<String>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw new InvalidParameterException(name + " must be a list of strings, but holds " + item);
      }
      String label = name + "[" + result.size() + "]";
      result.add(
          parameter.type() == ParamType.NAMES
              ? entry.name(label, item.textValue())
              : entry.text(label, item.textValue()));
    }
    return result;
  }

  private static String text(String name, JsonNode value) {
    if (!value.isTextual()) {
      throw new InvalidParameterException(name + " must be a string, not " + value);
    }
    return value.textValue();
  }
}
