package dev.penstock.model;

/**
 * Something the server needs and does not own failed, such as the Python that checks step source:
 * no fault of the request, and the message says what to fix on the server.
 */
public final class FailedDependencyException extends PenstockException {
  public FailedDependencyException(String message, Throwable cause) {
    super(message, cause);
  }
}
