package dev.penstock.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import java.util.List;
import java.util.Map;

/**
 * The parameters of one call, already checked against the method's declaration by {@link
 * ParamReader}: every name known, every required one present, every value of its declared type and
 * within the limits. An absent or null parameter reads as null; a required one never does. Reading
 * a parameter the method does not declare, or as another type than declared, is a bug and throws
 * {@link IllegalStateException}. Not thread-safe; one per request.
 */
public final class Params {
  private final ApiMethod method;
  private final Map<String, Object> values;

  Params(ApiMethod method, Map<String, Object> values) {
    this.method = method;
    this.values = values;
  }

  /** A STRING, NAME or ID. */
  public String string(String name) {
    return (String) value(name, ParamType.STRING, ParamType.NAME, ParamType.ID);
  }

  public Integer integer(String name) {
    return (Integer) value(name, ParamType.INTEGER);
  }

  public Double number(String name) {
    return (Double) value(name, ParamType.NUMBER);
  }

  public Boolean bool(String name) {
    return (Boolean) value(name, ParamType.BOOLEAN);
  }

  /** NAMES or STRINGS. */
  @SuppressWarnings("unchecked")
  public List<String> strings(String name) {
    return (List<String>) value(name, ParamType.NAMES, ParamType.STRINGS);
  }

  @SuppressWarnings("unchecked")
  public List<InputMapping> arguments(String name) {
    return (List<InputMapping>) value(name, ParamType.ARGUMENTS);
  }

  @SuppressWarnings("unchecked")
  public List<OutputMapping> outputs(String name) {
    return (List<OutputMapping>) value(name, ParamType.OUTPUTS);
  }

  /** An OBJECT or LIST, as given. */
  public JsonNode json(String name) {
    return (JsonNode) value(name, ParamType.OBJECT, ParamType.LIST);
  }

  private Object value(String name, ParamType... types) {
    var parameter =
        method
            .parameter(name)
            .orElseThrow(
                () -> new IllegalStateException(method.name() + " does not declare " + name));
    if (parameter.use() == Parameter.Use.IGNORED) {
      throw new IllegalStateException(method.name() + " declares " + name + " as ignored");
    }
    if (!List.of(types).contains(parameter.type())) {
      throw new IllegalStateException(
          method.name() + " declares " + name + " as " + parameter.type());
    }
    return values.get(name);
  }
}
