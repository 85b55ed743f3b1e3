package dev.penstock.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How pages write times, durations and statuses. Stateless and thread-safe. */
public final class Formats {
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Formats() {}

  /** "2026-12-06 10:04:05 UTC", or "—" for none. */
  public static String time(Instant instant) {
    return instant == null ? "—" : UTC.format(instant);
  }

  /** The instant as ISO-8601, for a {@code <time datetime>} the browser can show locally. */
  public static String iso(Instant instant) {
    return instant == null ? "" : instant.toString();
  }

  /** "3 min ago", "in 2 h", "just now". */
  public static String relative(Instant instant, Instant now) {
    if (instant == null) {
      return "—";
    }
    Duration gap = Duration.between(instant, now);
    boolean past = !gap.isNegative();
    String amount = coarse(gap.abs());
    if (amount == null) {
      return "just now";
    }
    return past ? amount + " ago" : "in " + amount;
  }

  /** The time from {@code start} to {@code end} (or to {@code now} while running): "1.2 s". */
  public static String duration(Instant start, Instant end, Instant now) {
    if (start == null) {
      return "—";
    }
    return duration(Duration.between(start, end != null ? end : now));
  }

  public static String duration(Duration duration) {
    long millis = Math.max(0, duration.toMillis());
    if (millis < 1_000) {
      return millis + " ms";
    }
    if (millis < 60_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long seconds = millis / 1000;
    if (seconds < 3600) {
      return "%d min %d s".formatted(seconds / 60, seconds % 60);
    }
    return "%d h %d min".formatted(seconds / 3600, seconds % 3600 / 60);
  }

  /** The CSS class of a status: "status-complete". */
  public static String statusClass(Enum<?> status) {
    return status == null ? "status-none" : "status-" + status.name().toLowerCase(Locale.ROOT);
  }

  /** {@code value} encoded for a URL's query string. */
  public static String query(String value) {
    return value == null ? "" : URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** A number with thousands separators: 10,000. */
  public static String count(long number) {
    return String.format(Locale.ROOT, "%,d", number);
  }

  /** A size in bytes for people: "512 B", "1.5 KB", "12.0 MB" (units of 1024). */
  public static String size(long bytes) {
    if (bytes < 1024) {
      return Math.max(0, bytes) + " B";
    }
    String[] units = {"KB", "MB", "GB", "TB", "PB", "EB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  private static String coarse(Duration gap) {
    long seconds = gap.toSeconds();
    if (seconds < 10) {
      return null;
    }
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return seconds / 60 + " min";
    }
    if (seconds < 86_400) {
      return seconds / 3600 + " h";
    }
    return seconds / 86_400 + " d";
  }
}
