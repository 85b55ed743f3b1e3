package dev.penstock.model;

/** A name that must be unique is taken. */
public class AlreadyExistsException extends PenstockException {
  public AlreadyExistsException(String message) {
    super(message);
  }
}
