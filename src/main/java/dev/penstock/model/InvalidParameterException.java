package dev.penstock.model;

/** A parameter was given but is not acceptable. */
public class InvalidParameterException extends PenstockException {
  public InvalidParameterException(String message) {
    super(message);
  }
}
