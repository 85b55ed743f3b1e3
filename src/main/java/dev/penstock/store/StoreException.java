package dev.penstock.store;

import dev.penstock.model.PenstockException;

/** A database failure, wrapping the SQL error. */
public class StoreException extends PenstockException {
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
