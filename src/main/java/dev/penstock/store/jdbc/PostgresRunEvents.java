package dev.penstock.store.jdbc;

import dev.penstock.store.RunEvents;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run events through PostgreSQL's LISTEN/NOTIFY: an announcement is a NOTIFY on one channel, sent
 * through the pool; each server listens on a connection of its own, outside the pool, which it
 * polls and makes again when it breaks. Thread-safe.
 */
final class PostgresRunEvents implements RunEvents {
  private static final Logger log = LoggerFactory.getLogger(PostgresRunEvents.class);
  static final String CHANNEL = "penstock_runs";
  private static final int POLL_MILLIS = 500;
  private static final long RECONNECT_MILLIS = 1000;

  private final Database database;
  private final String url;
  private final String user;
  private final String password;
  private volatile boolean closed;
  private volatile Thread listening;

  PostgresRunEvents(Database database, String url, String user, String password) {
    this.database = database;
    this.url = url;
    this.user = user;
    this.password = password;
  }

  @Override
  public void announce(String pipelineVersionId) {
    try {
      database.withHandle(
          handle -> handle.execute("SELECT pg_notify(?, ?)", CHANNEL, pipelineVersionId));
    } catch (RuntimeException e) {
      // The sweep on the other servers finds the change anyway, only later.
      log.warn("Could not announce a change of run {}: {}", pipelineVersionId, e.toString());
    }
  }

  @Override
  public synchronized void listen(Consumer<String> listener) {
    if (listening != null || closed) {
      return;
    }
    listening =
        Thread.ofPlatform()
            .daemon()
            .name("penstock-run-events")
            .start(() -> listenUntilClosed(listener));
  }

  private void listenUntilClosed(Consumer<String> listener) {
    while (!closed) {
      try (Connection connection = DriverManager.getConnection(url, user, password)) {
        try (Statement listen = connection.createStatement()) {
          listen.execute("LISTEN " + CHANNEL);
        }
        PGConnection notifications = connection.unwrap(PGConnection.class);
        while (!closed) {
          PGNotification[] arrived = notifications.getNotifications(POLL_MILLIS);
          if (arrived == null) {
            continue;
          }
          for (PGNotification notification : arrived) {
            deliver(listener, notification.getParameter());
          }
        }
      } catch (SQLException e) {
        if (!closed) {
          log.warn("Listening for run events failed; trying again: {}", e.toString());
          pause();
        }
      }
    }
  }

  private static void deliver(Consumer<String> listener, String runId) {
    try {
      listener.accept(runId);
    } catch (RuntimeException e) {
      log.warn("Acting on a change of run {} failed; the sweep will", runId, e);
    }
  }

  private void pause() {
    try {
      Thread.sleep(RECONNECT_MILLIS);
    } catch (InterruptedException stopped) {
      Thread.currentThread().interrupt();
      closed = true;
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread thread = listening;
    if (thread != null) {
      try {
        thread.join(2 * POLL_MILLIS + 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
