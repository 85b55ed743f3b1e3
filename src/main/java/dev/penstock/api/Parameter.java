package dev.penstock.api;

/**
 * One parameter of an {@link ApiMethod}: its JSON key, its type, whether the method needs it, who
 * sends it, and one line of meaning. Immutable.
 */
public record Parameter(String name, ParamType type, boolean required, Use use, String meaning) {

  /** Who sends a parameter, and whether Penstock reads it. */
  public enum Use {
    /** The SDK sends it and Penstock uses it. */
    SDK,
    /** The SDK sends it; Penstock accepts it and does nothing with it. */
    IGNORED,
    /** Penstock's own: the SDK never sends it. */
    EXTENSION
  }
}
