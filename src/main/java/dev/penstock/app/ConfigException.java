package dev.penstock.app;

import dev.penstock.model.PenstockException;

/** A configuration value that cannot be used; the message names key, value and source. */
public final class ConfigException extends PenstockException {
  public ConfigException(String message) {
    super(message);
  }
}
