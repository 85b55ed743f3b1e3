package dev.penstock.model;

/** The API key is missing or wrong, or may not do what was asked; the message reveals no more. */
public final class PermissionDeniedException extends PenstockException {
  public PermissionDeniedException() {
    super("Invalid API key");
  }

  public PermissionDeniedException(String message) {
    super(message);
  }
}
