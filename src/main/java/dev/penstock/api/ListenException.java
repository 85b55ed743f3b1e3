package dev.penstock.api;

import dev.penstock.model.PenstockException;

/** The server cannot listen where it was told to: the port is taken, the host is not this one. */
public final class ListenException extends PenstockException {
  public ListenException(String message, Throwable cause) {
    super(message, cause);
  }
}
