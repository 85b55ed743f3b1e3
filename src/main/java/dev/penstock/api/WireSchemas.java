package dev.penstock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;

/**
 * JSON schemas of the wire records (api.dto) for the OpenAPI document, read from the records'
 * components so that a field added to a response is described with it. A record is named as the SDK
 * names its class: PipelineVersionResponse is PipelineVersion. Mapping lists and other raw JSON are
 * any value. Not thread-safe; one per document.
 */
final class WireSchemas {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final ObjectNode components;

  WireSchemas(ObjectNode components) {
    this.components = components;
  }

  /** Every record schema referred to so far, by name. */
  ObjectNode components() {
    return components;
  }

  /** The schema of a value of {@code type}: a reference for a record, inline otherwise. */
  ObjectNode of(Type type) {
    if (type instanceof ParameterizedType generic && generic.getRawType() == List.class) {
      ObjectNode array = NODES.objectNode();
      array.put("type", "array");
      array.set("items", of(generic.getActualTypeArguments()[0]));
      return array;
    }
    if (!(type instanceof Class<?> plain)) {
      return NODES.objectNode();
    }
    ObjectNode schema = NODES.objectNode();
    if (plain == String.class) {
      schema.put("type", "string");
    } else if (plain == int.class || plain == Integer.class || plain == long.class) {
      schema.put("type", "integer");
    } else if (plain == double.class || plain == Double.class) {
      schema.put("type", "number");
    } else if (plain == boolean.class || plain == Boolean.class) {
      schema.put("type", "boolean");
    } else if (plain.isRecord()) {
      String name = name(plain);
      if (!components.has(name)) {
        components.putObject(name); // taken before its fields, so a record may refer to itself
        components.set(name, record(plain));
      }
      return OpenApi.ref(name);
    } else if (!JsonNode.class.isAssignableFrom(plain) && plain != Object.class) {
      throw new IllegalStateException("no schema for " + plain + " in a wire record");
    }
    return schema;
  }

  private ObjectNode record(Class<?> type) {
    ObjectNode schema = NODES.objectNode();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    for (RecordComponent component : type.getRecordComponents()) {
      ObjectNode property = of(component.getGenericType());
      if (!component.getType().isPrimitive()) {
        if (property.has("$ref")) {
          // In OpenAPI 3.0 a $ref ignores its siblings: say "or null" around it.
          ObjectNode nullable = NODES.objectNode();
          nullable.putArray("allOf").add(property);
          property = nullable;
        }
        property.put("nullable", true);
      }
      properties.set(component.getName(), property);
    }
    return schema;
  }

  private static String name(Class<?> record) {
    String simple = record.getSimpleName();
    return simple.endsWith("Response")
        ? simple.substring(0, simple.length() - "Response".length())
        : simple;
  }
}
