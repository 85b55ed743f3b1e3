package dev.penstock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.MissingParameterException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The parameters of one API call, however they came (docs/abacus-api.md §1.4): a JSON body for POST
 * and PATCH, where null means "not given", and the query string for every verb, where lists and
 * dicts are JSON text and booleans Python's True/False. The body wins when a name is in both. Not
 * thread-safe; one per request.
 */
public final class Params {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode body;
  private final Map<String, List<String>> query;

  Params(ObjectNode body, Map<String, List<String>> query) {
    this.body = body;
    this.query = query;
  }

  /** The raw value: a JSON node from the body, or the query text as a TextNode; null if absent. */
  private JsonNode raw(String name) {
    JsonNode value = body.get(name);
    if (value != null && !value.isNull()) {
      return value;
    }
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : TextNode.valueOf(values.get(0));
  }

  public String string(String name) {
    JsonNode value = raw(name);
    if (value == null) {
      return null;
    }
    if (!value.isTextual()) {
      throw new InvalidParameterException(name + " must be a string, not " + value);
    }
    return value.asText();
  }

  public String requiredString(String name) {
    String value = string(name);
    if (value == null || value.isBlank()) {
      throw new MissingParameterException(name + " is required");
    }
    return value;
  }

  public Integer integer(String name) {
    JsonNode value = raw(name);
    if (value == null) {
      return null;
    }
    if (value.isIntegralNumber() && value.canConvertToInt()) {
      return value.asInt();
    }
    if (value.isTextual() && body.get(name) == null) {
      try {
        return Integer.parseInt(value.asText().trim());
      } catch (NumberFormatException e) {
        // reported below, like any other wrong type
      }
    }
    throw new InvalidParameterException(name + " must be a whole number, not " + value);
  }

  public Double number(String name) {
    JsonNode value = raw(name);
    if (value == null) {
      return null;
    }
    if (value.isNumber()) {
      return value.asDouble();
    }
    if (value.isTextual() && body.get(name) == null) {
      try {
        return Double.parseDouble(value.asText().trim());
      } catch (NumberFormatException e) {
        // reported below, like any other wrong type
      }
    }
    throw new InvalidParameterException(name + " must be a number, not " + value);
  }

  public Boolean bool(String name) {
    JsonNode value = raw(name);
    if (value == null) {
      return null;
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    if (value.isTextual() && body.get(name) == null) {
      String text = value.asText().trim();
      if (text.equalsIgnoreCase("true")) {
        return true;
      }
      if (text.equalsIgnoreCase("false")) {
        return false;
      }
    }
    throw new InvalidParameterException(name + " must be true or false, not " + value);
  }

  /** A list or dict: the body's JSON value, or the query's JSON text parsed. */
  public JsonNode json(String name) {
    JsonNode value = raw(name);
    if (value == null) {
      return null;
    }
    if (value.isTextual() && body.get(name) == null) {
      try {
        return JSON.readTree(value.asText());
      } catch (Exception e) {
        throw new InvalidParameterException(name + " must be JSON text in the query string");
      }
    }
    return value;
  }

  /** A list of strings, or null when not given. */
  public List<String> strings(String name) {
    JsonNode value = json(name);
    if (value == null) {
      return null;
    }
    if (!value.isArray()) {
      throw new InvalidParameterException(name + " must be a list of strings, not " + value);
    }
    var result = new ArrayList<String>();
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw new InvalidParameterException(name + " must be a list of strings, but holds " + item);
      }
      result.add(item.asText());
    }
    return result;
  }

  static Params ofQuery(Map<String, List<String>> query) {
    return new Params(JSON.createObjectNode(), query);
  }

  static Params of(ObjectNode body, Map<String, List<String>> query) {
    return new Params(body, query);
  }
}
