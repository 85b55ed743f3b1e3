package dev.penstock.model;

/** An id or name that names nothing. */
public class NotFoundException extends PenstockException {
  public NotFoundException(String message) {
    super(message);
  }
}
