package dev.penstock.store.jdbc;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.store.StoreException;
import java.util.List;
import java.util.Map;

/**
 * JSON columns: values written as JSON text, SQL NULL for a null value. Stateless and thread-safe.
 */
final class JsonColumns {
  private static final TypeReference<List<InputMapping>> INPUTS = new TypeReference<>() {};
  private static final TypeReference<List<OutputMapping>> OUTPUTS = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  // NON_NULL: a mapping whose value was never given is written without "value" and reads back as
  // Java null, while a given JSON null is written as null and reads back as NullNode.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private JsonColumns() {}

  static String write(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot write as JSON: " + e.getOriginalMessage(), e);
    }
  }

  static List<InputMapping> inputs(String json) {
    return read(json, INPUTS);
  }

  static List<OutputMapping> outputs(String json) {
    return read(json, OUTPUTS);
  }

  static List<String> strings(String json) {
    return read(json, STRINGS);
  }

  static Map<String, String> stringMap(String json) {
    return read(json, STRING_MAP);
  }

  static JsonNode tree(String json) {
    if (json == null) {
      return null;
    }
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw corrupt(e);
    }
  }

  private static <T> T read(String json, TypeReference<T> type) {
    if (json == null) {
      return null;
    }
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw corrupt(e);
    }
  }

  private static StoreException corrupt(JsonProcessingException e) {
    return new StoreException("Unreadable JSON column: " + e.getOriginalMessage(), e);
  }
}
