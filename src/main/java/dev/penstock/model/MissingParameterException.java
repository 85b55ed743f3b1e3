package dev.penstock.model;

/** A required parameter was not given. */
public class MissingParameterException extends PenstockException {
  public MissingParameterException(String message) {
    super(message);
  }
}
