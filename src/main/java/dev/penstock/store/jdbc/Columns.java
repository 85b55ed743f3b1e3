package dev.penstock.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Column conversions: times as UTC epoch millis, enums by name, nullable numbers. Stateless and
 * thread-safe.
 */
final class Columns {
  private Columns() {}

  static Long millis(Instant time) {
    return time == null ? null : time.toEpochMilli();
  }

  static Instant instant(ResultSet row, String column) throws SQLException {
    long millis = row.getLong(column);
    return row.wasNull() ? null : Instant.ofEpochMilli(millis);
  }

  static Integer nullableInt(ResultSet row, String column) throws SQLException {
    int value = row.getInt(column);
    return row.wasNull() ? null : value;
  }

  static String name(Enum<?> value) {
    return value == null ? null : value.name();
  }

  static <E extends Enum<E>> E enumValue(Class<E> type, String name) {
    return name == null ? null : Enum.valueOf(type, name);
  }
}
