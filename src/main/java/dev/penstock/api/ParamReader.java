package dev.penstock.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.penstock.api.dto.Mappings;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.MissingParameterException;
import java.io.IOException;
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
  private final Limits limits;
  private final ObjectMapper bodyJson;
  private final ObjectMapper queryJson;
  private final EntryLimits entry;

  ParamReader(Limits limits) {
    this.limits = limits;
    // The body's own object is one level, so its parameters may nest maxJsonDepth below it.
    this.bodyJson = mapper(limits.maxJsonDepth() + 1, limits.maxBodyBytes());
    this.queryJson = mapper(limits.maxJsonDepth(), limits.maxBodyBytes());
    this.entry = new EntryLimits(limits, bodyJson);
  }

  /** The parameters in a POST or PATCH body: an object, or nothing. */
  ObjectNode body(byte[] bytes) {
    if (bytes.length == 0) {
      return bodyJson.createObjectNode();
    }
    JsonNode parsed;
    JsonParser parser = null;
    try {
      parser = bodyJson.createParser(bytes);
      parsed = bodyJson.readTree(parser);
    } catch (JsonProcessingException malformed) {
      throw tooDeepOr(parser, malformed, null);
    } catch (IOException unreadable) {
      throw new ApiError(400, "InvalidRequest", "Unreadable request body");
    } finally {
      close(parser);
    }
    if (parsed == null || parsed.isNull()) {
      return bodyJson.createObjectNode();
    }
    if (!(parsed instanceof ObjectNode object)) {
      throw new ApiError(400, "InvalidRequest", "The JSON body must be an object of parameters");
    }
    return object;
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
      case NAMES, STRINGS, ARGUMENTS, OUTPUTS, OBJECT, LIST -> parseQueryJson(name, text);
      case STRING, NAME, ID -> TextNode.valueOf(text);
    };
  }

  private JsonNode parseQueryJson(String name, String text) {
    JsonParser parser = null;
    try {
      parser = queryJson.createParser(text);
      return queryJson.readTree(parser);
    } catch (JsonProcessingException malformed) {
      throw tooDeepOr(parser, malformed, name);
    } catch (IOException e) {
      throw new InvalidParameterException(name + " must be JSON text in the query string");
    } finally {
      close(parser);
    }
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

  /**
   * A nesting past the limit, named by the parameter it was in: {@code queryParameter}, or for a
   * body (null) the key under the body's object. Any other malformed JSON is an invalid parameter
   * in a query string and an invalid request in a body.
   */
  private RuntimeException tooDeepOr(
      JsonParser parser, JsonProcessingException error, String queryParameter) {
    int parserLimit = limits.maxJsonDepth() + (queryParameter == null ? 1 : 0);
    boolean tooDeep =
        error instanceof StreamConstraintsException
            && parser != null
            && parser.getParsingContext() != null
            && parser.getParsingContext().getNestingDepth() >= parserLimit;
    if (tooDeep) {
      String parameter =
          queryParameter != null ? queryParameter : topLevelKey(parser.getParsingContext());
      return new InvalidParameterException(
          (parameter == null ? "a parameter" : parameter)
              + " nests JSON deeper than the limit of "
              + limits.maxJsonDepth()
              + " levels (max-json-depth)");
    }
    if (queryParameter != null) {
      return new InvalidParameterException(
          queryParameter + " must be JSON text in the query string");
    }
    return new ApiError(
        400, "InvalidRequest", "Malformed JSON body: " + error.getOriginalMessage());
  }

  /** The body key whose value holds {@code context}: the name being read one level under root. */
  private static String topLevelKey(JsonStreamContext context) {
    JsonStreamContext current = context;
    while (current.getParent() != null && current.getParent().getParent() != null) {
      current = current.getParent();
    }
    return current.getCurrentName();
  }

  private static ObjectMapper mapper(int maxDepth, long maxBodyBytes) {
    var constraints =
        StreamReadConstraints.builder()
            .maxNestingDepth(maxDepth)
            // Strings are bounded by the body size; Jackson's own default would cut them first.
            .maxStringLength((int) Math.min(Integer.MAX_VALUE, maxBodyBytes))
            .build();
    return new ObjectMapper(JsonFactory.builder().streamReadConstraints(constraints).build());
  }

  private static void close(JsonParser parser) {
    if (parser != null) {
      try {
        parser.close();
      } catch (IOException ignored) {
        // nothing was written; there is nothing to lose
      }
    }
  }
}
