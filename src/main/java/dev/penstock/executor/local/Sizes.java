package dev.penstock.executor.local;

/** Sizes in words for messages: "10 GB", "1.5 MB", "300 bytes". Thread-safe: stateless. */
final class Sizes {
  private static final String[] UNITS = {"KB", "MB", "GB", "TB"};

  private Sizes() {}

  static String describe(long bytes) {
    if (bytes <= 0) {
      return "no limit";
    }
    if (bytes < 1024) {
      return bytes + (bytes == 1 ? " byte" : " bytes");
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    String number =
        value == Math.rint(value) ? Long.toString((long) value) : String.format("%.1f", value);
    return number + " " + UNITS[unit];
  }
}
