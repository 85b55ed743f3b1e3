package dev.penstock.model;

import java.util.Locale;
import java.util.Optional;

/**
 * Types of PythonFunctionArgument and OutputVariableMapping (docs/abacus-api.md §5.1, §5.2). ANY is
 * valid for outputs only, FEATURE_GROUP for inputs only.
 */
public enum VariableType {
  FEATURE_GROUP(true, false),
  INTEGER(true, true),
  STRING(true, true),
  BOOLEAN(true, true),
  FLOAT(true, true),
  JSON(true, true),
  LIST(true, true),
  DATASET_ID(true, true),
  MODEL_ID(true, true),
  FEATURE_GROUP_ID(true, true),
  MONITOR_ID(true, true),
  BATCH_PREDICTION_ID(true, true),
  DEPLOYMENT_ID(true, true),
  ATTACHMENT(true, true),
  ANY(false, true);

  private final boolean input;
  private final boolean output;

  VariableType(boolean input, boolean output) {
    this.input = input;
    this.output = output;
  }

  public boolean validForInput() {
    return input;
  }

  public boolean validForOutput() {
    return output;
  }

  /** Enum strings match case-insensitively, as the SDK's ApiEnum does. */
  public static Optional<VariableType> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException unknown) {
      return Optional.empty();
    }
  }
}
