package dev.penstock.model;

/** The request conflicts with the current state. */
public class ConflictException extends PenstockException {
  public ConflictException(String message) {
    super(message);
  }
}
