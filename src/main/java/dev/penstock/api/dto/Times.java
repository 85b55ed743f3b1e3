package dev.penstock.api.dto;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Times on the wire: ISO-8601 in UTC with an explicit offset, e.g. 2026-01-01T00:00:00.000+00:00.
 */
public final class Times {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneOffset.UTC);

  private Times() {}

  public static String iso(Instant instant) {
    return instant == null ? null : FORMAT.format(instant);
  }
}
