package dev.penstock.engine.definition;

import java.security.SecureRandom;
import java.util.HexFormat;

/** New ids: 16 random hex digits, the shape of the hosted API's ids. Thread-safe. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static String newId() {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
