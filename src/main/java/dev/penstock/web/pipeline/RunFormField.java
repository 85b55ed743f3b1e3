package dev.penstock.web.pipeline;

import dev.penstock.model.VariableType;

/**
 * One field of a run form: a pipeline variable, the text in its field (its default, or what was
 * sent back), and what is wrong with that text (null when nothing is).
 *
 * @param control how the field is drawn: "integer", "number", "boolean", "json" (a textarea for
 *     JSON and LIST) or "text"
 */
public record RunFormField(
    String name,
    VariableType type,
    boolean required,
    String description,
    String defaultText,
    String text,
    String error) {

  public String control() {
    return switch (type) {
      case INTEGER -> "integer";
      case FLOAT -> "number";
      case BOOLEAN -> "boolean";
      case JSON, LIST -> "json";
      default -> "text";
    };
  }

  /** The name the field has in the posted form. */
  public String param() {
    return RunForm.PARAM_PREFIX + name;
  }

  /** The id of its input element. */
  public String inputId() {
    return "var-" + name;
  }
}
