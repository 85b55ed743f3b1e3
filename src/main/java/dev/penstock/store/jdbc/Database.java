package dev.penstock.store.jdbc;

import dev.penstock.model.AlreadyExistsException;
import dev.penstock.model.NotFoundException;
import dev.penstock.store.StoreException;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Update;

/**
 * One database as the stores see it: runs their work in short transactions, retries transient
 * failures a bounded number of times, and turns SQL errors into Penstock exceptions. Thread-safe.
 */
final class Database {
  private static final int MAX_TRIES = 3;

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final ReentrantLock writer = new ReentrantLock(true);

  Database(Jdbi jdbi, Dialect dialect) {
    this.jdbi = jdbi;
    this.dialect = dialect;
  }

  Dialect dialect() {
    return dialect;
  }

  /** Runs {@code work} in one transaction, from the start again if it lost a lock race. */
  <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
    if (!dialect.oneWriterAtATime()) {
      return retrying(() -> jdbi.inTransaction(work));
    }
    writer.lock();
    try {
      return retrying(() -> jdbi.inTransaction(work));
    } finally {
      writer.unlock();
    }
  }

  /**
   * Runs {@code work} on a connection in auto-commit mode: for reads of one statement. Writes go
   * through {@link #inTransaction}, which takes turns with the other writers.
   */
  <T> T withHandle(HandleCallback<T, RuntimeException> work) {
    return retrying(() -> jdbi.withHandle(work));
  }

  /**
   * Executes a write whose constraint violations mean something to the caller: a duplicate key
   * throws {@link AlreadyExistsException} with {@code alreadyExists}, a missing parent row {@link
   * NotFoundException} with {@code parentMissing} (a plain store error when that is null). The
   * exception leaves the transaction, which rolls back.
   */
  int execute(Update update, String alreadyExists, String parentMissing) {
    try {
      return update.execute();
    } catch (JdbiException e) {
      SQLException sql = sqlCause(e);
      if (sql != null && dialect.isUniqueViolation(sql)) {
        throw new AlreadyExistsException(alreadyExists);
      }
      if (sql != null && parentMissing != null && dialect.isForeignKeyViolation(sql)) {
        throw new NotFoundException(parentMissing);
      }
      throw e;
    }
  }

  private <T> T retrying(Supplier<T> work) {
    for (int tries = 1; ; tries++) {
      try {
        return work.get();
      } catch (JdbiException e) {
        SQLException sql = sqlCause(e);
        if (sql == null || !dialect.isTransient(sql)) {
          throw new StoreException("Database error: " + e.getMessage(), e);
        }
        if (tries == MAX_TRIES) {
          throw new TransientStoreException(
              "Database busy, gave up after " + tries + " tries: " + sql.getMessage(), e);
        }
      }
    }
  }

  private static SQLException sqlCause(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof SQLException sql) {
        return sql;
      }
    }
    return null;
  }
}
