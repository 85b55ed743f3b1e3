package dev.penstock.model;

/** The one root of Penstock's exceptions; subclasses name the failure. */
public class PenstockException extends RuntimeException {
  public PenstockException(String message) {
    super(message);
  }

  public PenstockException(String message, Throwable cause) {
    super(message, cause);
  }
}
