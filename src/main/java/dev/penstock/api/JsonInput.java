package dev.penstock.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.penstock.model.InvalidParameterException;
import java.io.IOException;

/**
 * Parses the JSON a request carries, a body or the JSON text of a query parameter, no deeper than
 * the nesting limit: Jackson stops at the limit while it reads, so a value nested thousands deep is
 * never built, and the refusal names the parameter it was in. Thread-safe.
 */
final class JsonInput {
  private final Limits limits;
  private final ObjectMapper bodyJson;
  private final ObjectMapper queryJson;

  JsonInput(Limits limits) {
    this.limits = limits;
    // The body's own object is one level, so its parameters may nest maxJsonDepth below it.
    this.bodyJson = mapper(limits.maxJsonDepth() + 1, limits.maxBodyBytes());
    this.queryJson = mapper(limits.maxJsonDepth(), limits.maxBodyBytes());
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

  /** JSON text from a query string (a list or dict), or null for none. */
  JsonNode queryValue(String name, String text) {
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
