package dev.penstock.model;

/** The API key is missing or wrong; the message reveals nothing else. */
public final class PermissionDeniedException extends PenstockException {
  public PermissionDeniedException() {
    super("Invalid API key");
  }
}
