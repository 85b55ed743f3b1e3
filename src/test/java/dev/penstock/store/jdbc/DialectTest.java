package dev.penstock.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a database URL becomes a dialect, and what the SQLite dialect does to every connection. */
class DialectTest {
  @TempDir Path directory;

  @Test
  void the_dialect_follows_the_url_and_an_unknown_url_is_rejected_without_its_query() {
    assertThat(Dialect.forUrl("jdbc:sqlite:/tmp/x.db")).isInstanceOf(SqliteDialect.class);
    assertThat(Dialect.forUrl("jdbc:postgresql://db/penstock")).isInstanceOf(PostgresDialect.class);
    assertThatThrownBy(() -> Dialect.forUrl("jdbc:mysql://db/penstock?password=hunter2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:mysql://db/penstock")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void only_sqlite_is_owned_by_one_server_and_only_postgres_can_skip_locked_rows() {
    assertThat(new SqliteDialect().exclusiveToOneServer()).isTrue();
    assertThat(new SqliteDialect().supportsSkipLocked()).isFalse();
    assertThat(new PostgresDialect().exclusiveToOneServer()).isFalse();
    assertThat(new PostgresDialect().supportsSkipLocked()).isTrue();
  }

  @Test
  void every_pooled_sqlite_connection_uses_wal_foreign_keys_and_a_busy_timeout() throws Exception {
    var config = new HikariConfig();
    config.setJdbcUrl("jdbc:sqlite:" + directory.resolve("new/dir/penstock.db"));
    new SqliteDialect().prepare(config);

    assertThat(config.getDataSourceProperties()).containsEntry("transaction_mode", "IMMEDIATE");
    try (var pool = new HikariDataSource(config)) {
      var connections = new ArrayList<Connection>();
      try {
        for (int i = 0; i < config.getMaximumPoolSize(); i++) {
          Connection connection = pool.getConnection();
          connections.add(connection);
          assertThat(pragma(connection, "journal_mode")).isEqualTo("wal");
          assertThat(pragma(connection, "foreign_keys")).isEqualTo("1");
          assertThat(pragma(connection, "busy_timeout")).isEqualTo("10000");
          assertThat(pragma(connection, "synchronous")).isEqualTo("1"); // NORMAL
        }
      } finally {
        for (Connection connection : connections) {
          connection.close();
        }
      }
    }
    assertThat(directory.resolve("new/dir/penstock.db")).exists();
  }

  private static String pragma(Connection connection, String name) throws SQLException {
    try (var statement = connection.createStatement();
        var result = statement.executeQuery("PRAGMA " + name)) {
      result.next();
      return result.getString(1);
    }
  }
}
