package dev.penstock.executor.local;

import java.util.Locale;

/** Sizes as the configuration writes them (10 MB is 10 × 1024 × 1024 bytes). Pure, thread-safe. */
final class Sizes {
  private static final String[] UNITS = {"GB", "MB", "KB"};
  private static final long[] FACTORS = {1L << 30, 1L << 20, 1L << 10};

  private Sizes() {}

  /** "10 MB", "49.6 MB", "512 bytes": one decimal at most, none when it is 0. */
  static String describe(long bytes) {
    if (bytes <= 0) {
      return "no limit";
    }
    for (int i = 0; i < UNITS.length; i++) {
      if (bytes >= FACTORS[i]) {
        String number = String.format(Locale.ROOT, "%.1f", (double) bytes / FACTORS[i]);
        return (number.endsWith(".0") ? number.substring(0, number.length() - 2) : number)
            + " "
            + UNITS[i];
      }
    }
    return bytes + " bytes";
  }
}
