package dev.penstock.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import java.sql.SQLException;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;

/** PostgreSQL, possibly shared by several servers. Immutable and thread-safe. */
public final class PostgresDialect implements Dialect {
  static final String URL_PREFIX = "jdbc:postgresql:";
  private static final int POOL_SIZE = 10;
  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";
  private static final Set<String> TRANSIENT =
      Set.of("40001" /* serialization_failure */, "40P01" /* deadlock_detected */);

  @Override
  public String migrationLocation() {
    return "classpath:db/migration/postgres";
  }

  @Override
  public void prepare(HikariConfig pool) {
    pool.setMaximumPoolSize(POOL_SIZE);
  }

  @Override
  public boolean supportsSkipLocked() {
    return true;
  }

  @Override
  public boolean oneWriterAtATime() {
    return false;
  }

  @Override
  public boolean exclusiveToOneServer() {
    return false;
  }

  @Override
  public String lockRowClause() {
    return " FOR UPDATE";
  }

  /**
   * REPEATABLE READ, so that every statement sees the snapshot of the first; READ ONLY, which also
   * spares it serialization failures. In a transaction pgjdbc honours a statement's fetch size,
   * reading rows in batches instead of the whole result at once.
   */
  @Override
  public <T> T inReadSnapshot(Handle handle, HandleCallback<T, RuntimeException> read) {
    return handle.inTransaction(
        transaction -> {
          transaction.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
          return read.withHandle(transaction);
        });
  }

  @Override
  public boolean isUniqueViolation(SQLException error) {
    return UNIQUE_VIOLATION.equals(error.getSQLState());
  }

  @Override
  public boolean isForeignKeyViolation(SQLException error) {
    return FOREIGN_KEY_VIOLATION.equals(error.getSQLState());
  }

  @Override
  public boolean isTransient(SQLException error) {
    return error.getSQLState() != null && TRANSIENT.contains(error.getSQLState());
  }
}
