package dev.penstock.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteConnectionConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** SQLite, one file owned by one server. Immutable and thread-safe. */
public final class SqliteDialect implements Dialect {
  static final String URL_PREFIX = "jdbc:sqlite:";
  private static final int BUSY_TIMEOUT_MILLIS = 10_000;
  private static final int POOL_SIZE = 4;
  private static final int PRIMARY_CODE_MASK = 0xff;

  @Override
  public String migrationLocation() {
    return "classpath:db/migration/sqlite";
  }

  @Override
  public void prepare(HikariConfig pool) {
    createParentDirectories(pool.getJdbcUrl());
    var connection = new SQLiteConfig();
    connection.setJournalMode(SQLiteConfig.JournalMode.WAL);
    connection.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    connection.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
    connection.enforceForeignKeys(true);
    // A deferred transaction that reads and then writes cannot wait for the lock it upgrades to:
    // two of them fail with SQLITE_BUSY at once. IMMEDIATE takes the write lock at BEGIN, so a
    // second writer waits (busy_timeout) instead.
    connection.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    pool.setDataSourceProperties(connection.toProperties());
    pool.setMaximumPoolSize(POOL_SIZE);
  }

  @Override
  public boolean supportsSkipLocked() {
    return false;
  }

  @Override
  public boolean oneWriterAtATime() {
    return true;
  }

  @Override
  public boolean exclusiveToOneServer() {
    return true;
  }

  @Override
  public String lockRowClause() {
    return "";
  }

  /**
   * A DEFERRED transaction for this one read: the connection's IMMEDIATE mode would take the write
   * lock at BEGIN and hold off every writer while a client downloads. A deferred one that only
   * reads never takes it; in WAL mode it keeps its snapshot while writers go on (the WAL grows
   * until it ends).
   */
  @Override
  public <T> T inReadSnapshot(Handle handle, HandleCallback<T, RuntimeException> read) {
    SQLiteConnectionConfig config;
    try {
      config = handle.getConnection().unwrap(SQLiteConnection.class).getConnectionConfig();
    } catch (SQLException e) {
      throw new IllegalStateException("not a SQLite connection", e);
    }
    var usual = config.getTransactionMode();
    config.setTransactionMode(SQLiteConfig.TransactionMode.DEFERRED);
    try {
      return handle.inTransaction(read);
    } finally {
      config.setTransactionMode(usual);
    }
  }

  @Override
  public boolean isUniqueViolation(SQLException error) {
    return resultCode(error) == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
        || resultCode(error) == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY;
  }

  @Override
  public boolean isForeignKeyViolation(SQLException error) {
    return resultCode(error) == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY;
  }

  @Override
  public boolean isTransient(SQLException error) {
    SQLiteErrorCode code = resultCode(error);
    if (code == null) {
      return false;
    }
    int primary = code.code & PRIMARY_CODE_MASK;
    return primary == SQLiteErrorCode.SQLITE_BUSY.code
        || primary == SQLiteErrorCode.SQLITE_LOCKED.code;
  }

  private static SQLiteErrorCode resultCode(SQLException error) {
    return error instanceof SQLiteException sqlite ? sqlite.getResultCode() : null;
  }

  /** SQLite creates the file but not its directory; {@code :memory:} and URIs are left alone. */
  private static void createParentDirectories(String jdbcUrl) {
    String location = JdbcStores.withoutQuery(jdbcUrl.substring(URL_PREFIX.length()));
    if (location.isEmpty() || location.startsWith(":") || location.startsWith("file:")) {
      return;
    }
    Path parent = Path.of(location).toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the database directory " + parent, e);
    }
  }
}
