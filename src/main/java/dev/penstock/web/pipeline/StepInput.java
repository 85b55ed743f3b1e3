package dev.penstock.web.pipeline;

import dev.penstock.model.VariableType;

/**
 * One input of a step as the pipeline page explains it: where its value comes from.
 *
 * @param source what binds it: {@link Source#OUTPUT} (an upstream step's output, named by {@code
 *     from}), {@link Source#VARIABLE} (the pipeline variable {@code from}), {@link Source#CONSTANT}
 *     (the value in {@code valueText}), or {@link Source#NOTHING}
 * @param valueText the constant, or the variable's default, as text; null when there is none
 * @param fallbackText the constant a step falls back to when its variable has no value; or null
 */
public record StepInput(
    String name,
    VariableType type,
    boolean required,
    Source source,
    String from,
    String valueText,
    String fallbackText,
    String description) {

  /** Where an input's value comes from. */
  public enum Source {
    OUTPUT,
    VARIABLE,
    CONSTANT,
    NOTHING
  }
}
