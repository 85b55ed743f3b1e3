package dev.penstock.store.jdbc;

import dev.penstock.model.AlreadyExistsException;
import dev.penstock.model.NotFoundException;
import dev.penstock.store.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Update;

/**
 * One database as the stores see it: runs their work in short transactions, retries transient
 * failures a bounded number of times, and turns SQL errors into Penstock exceptions. Times every
 * transaction and read ({@code penstock_store_operation_seconds}). Thread-safe.
 */
final class Database {
  private static final int MAX_TRIES = 3;
  private static final Duration READER_WAIT = Duration.ofSeconds(30);
  private static final String TIMER = "penstock.store.operation";
  private static final Duration[] BUCKETS = {
    Duration.ofNanos(250_000),
    Duration.ofNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10)
  };

  /** The two timers of one kind of operation, by how it ended. */
  private record Timers(Timer ok, Timer error) {
    static Timers of(MeterRegistry registry, String kind, String description) {
      return new Timers(
          timer(registry, kind, "ok", description), timer(registry, kind, "error", description));
    }

    private static Timer timer(
        MeterRegistry registry, String kind, String outcome, String description) {
      return Timer.builder(TIMER)
          .description(description)
          .tags("kind", kind, "outcome", outcome)
          .serviceLevelObjectives(BUCKETS)
          .register(registry);
    }
  }

  private final Jdbi jdbi;
  private final Dialect dialect;
  private final ReentrantLock writer = new ReentrantLock(true);
  private final Semaphore longReaders;
  private final int maxLongReaders;
  private final Timers writes;
  private final Timers reads;

  /** {@code poolSize}: the connections the pool behind {@code jdbi} holds at most. */
  Database(Jdbi jdbi, Dialect dialect, int poolSize, MeterRegistry registry) {
    this.jdbi = jdbi;
    this.dialect = dialect;
    this.maxLongReaders = Math.max(1, poolSize / 2);
    this.longReaders = new Semaphore(maxLongReaders, true);
    String description =
        "Time of a store operation: a transaction (write, with the wait for SQLite's one writer)"
            + " or a read, by how it ended";
    this.writes = Timers.of(registry, "write", description);
    this.reads = Timers.of(registry, "read", description);
  }

  Dialect dialect() {
    return dialect;
  }

  /** Runs {@code work} in one transaction, from the start again if it lost a lock race. */
  <T> T inTransaction(HandleCallback<T, RuntimeException> work) {
    long start = System.nanoTime();
    try {
      T result = writing(work);
      writes.ok().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return result;
    } catch (RuntimeException | Error e) {
      writes.error().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      throw e;
    }
  }

  private <T> T writing(HandleCallback<T, RuntimeException> work) {
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
    long start = System.nanoTime();
    try {
      T result = retrying(() -> jdbi.withHandle(work));
      reads.ok().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      return result;
    } catch (RuntimeException | Error e) {
      reads.error().record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
      throw e;
    }
  }

  /**
   * Runs {@code read} in a read-only transaction on one snapshot (see {@link
   * Dialect#inReadSnapshot}) that lasts as long as {@code read} takes, which may be as long as a
   * client takes to download a run. Such reads hold at most half the pool's connections, so that a
   * few slow clients cannot starve the engine of them; others wait up to 30 s for their turn. Not
   * retried: {@code read} may already have passed on what it read. Not timed with the other reads
   * either: it lasts as long as its client takes.
   */
  <T> T inLongRead(HandleCallback<T, RuntimeException> read) {
    try {
      if (!longReaders.tryAcquire(READER_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new StoreException(
            "Database busy: %d runs being written to clients held their connections for %d s"
                .formatted(maxLongReaders, READER_WAIT.toSeconds()),
            null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("Interrupted while waiting to read the database", e);
    }
    try {
      return jdbi.withHandle(handle -> dialect.inReadSnapshot(handle, read));
    } catch (JdbiException e) {
      throw new StoreException("Database error: " + e.getMessage(), e);
    } finally {
      longReaders.release();
    }
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
