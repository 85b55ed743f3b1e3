package dev.penstock.api;

/**
 * The JSON type of a parameter and the checks that come with it at entry. In a query string every
 * value is text: numbers in decimal, booleans as Python's True/False, lists and dicts as JSON text
 * (docs/abacus-api.md §1.4).
 */
public enum ParamType {
  /** Free text (source code, a description, a cron expression): any string but a NUL. */
  STRING,
  /** A name a user chooses: at most the name-length limit, no control characters. */
  NAME,
  /** An id Penstock gave out: bounded and free of control characters like a name. */
  ID,
  INTEGER,
  NUMBER,
  BOOLEAN,
  /** A list of names (step names). */
  NAMES,
  /** A list of strings (pip requirement specifiers). */
  STRINGS,
  /** A list of PythonFunctionArgument dicts, in either casing. */
  ARGUMENTS,
  /** A list of OutputVariableMapping dicts, in either casing. */
  OUTPUTS,
  /** A JSON object kept as given. */
  OBJECT,
  /** A JSON list kept as given. */
  LIST;

  /** Lists and dicts: JSON text when they come in a query string. */
  public boolean structured() {
    return switch (this) {
      case NAMES, STRINGS, ARGUMENTS, OUTPUTS, OBJECT, LIST -> true;
      default -> false;
    };
  }
}
