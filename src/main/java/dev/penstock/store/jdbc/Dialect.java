package dev.penstock.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;

/**
 * What differs between the databases Penstock runs on. Store code asks for a capability or a
 * setting here and never tests which database it talks to. Implementations are immutable and
 * thread-safe.
 */
public sealed interface Dialect permits SqliteDialect, PostgresDialect {

  /** The dialect for a JDBC URL: {@code jdbc:sqlite:...} or {@code jdbc:postgresql:...}. */
  static Dialect forUrl(String jdbcUrl) {
    if (jdbcUrl != null && jdbcUrl.startsWith(SqliteDialect.URL_PREFIX)) {
      return new SqliteDialect();
    }
    if (jdbcUrl != null && jdbcUrl.startsWith(PostgresDialect.URL_PREFIX)) {
      return new PostgresDialect();
    }
    throw new IllegalArgumentException(
        "Unsupported database URL "
            + JdbcStores.withoutQuery(jdbcUrl)
            + ": expected jdbc:sqlite:FILE or jdbc:postgresql://HOST/DB");
  }

  /** Flyway location of this database's migrations; every folder has the same version numbers. */
  String migrationLocation();

  /**
   * Readies the pool settings for this database (connection properties, size) and, for a file
   * database, the directory the file lives in.
   */
  void prepare(HikariConfig pool);

  /** Whether {@code SELECT ... FOR UPDATE SKIP LOCKED} is available for batch claims. */
  boolean supportsSkipLocked();

  /**
   * Whether one server process owns the database while it runs (SQLite: the server locks the file).
   * If so, RUNNING steps claimed by any other node id are dead at startup.
   */
  boolean exclusiveToOneServer();

  /**
   * Whether the database lets one transaction write at a time (SQLite). Its transactions then take
   * turns at a Java lock, where a waiting virtual thread lets go of its carrier, rather than in the
   * database's busy handler, which sleeps in native code holding it: with as many carriers as
   * cores, two such sleepers could keep the lock's holder from running until they time out.
   */
  boolean oneWriterAtATime();

  /**
   * What to append to a single-row SELECT so that it locks the row until the transaction ends;
   * empty where a write transaction already excludes every other writer (SQLite's IMMEDIATE
   * transactions).
   */
  String lockRowClause();

  /**
   * Runs {@code read} on {@code handle} in a transaction that sees one snapshot of the database
   * from its first statement to its last, takes no write lock and writes nothing, so that it may
   * stay open while a client downloads what it reads.
   */
  <T> T inReadSnapshot(Handle handle, HandleCallback<T, RuntimeException> read);

  /** A UNIQUE or PRIMARY KEY constraint was violated. */
  boolean isUniqueViolation(SQLException error);

  /** A row names a parent row that does not exist. */
  boolean isForeignKeyViolation(SQLException error);

  /** The statement lost a race for a lock and may succeed when the transaction is retried. */
  boolean isTransient(SQLException error);
}
