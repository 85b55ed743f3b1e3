package dev.penstock.store.jdbc;

import dev.penstock.store.RunEvents;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run events through PostgreSQL's LISTEN/NOTIFY, on one channel. Announcements wait in an outbox
 * that one thread sends through the pool, as many as have gathered in one statement, so that a step
 * ending costs its engine no round trip and a burst of them costs one; each server listens on a
 * connection of its own, outside the pool, made again when it breaks. A message is {@code origin
 * kind run [step]}, the kind's first letter: a server skips its own. Thread-safe.
 */
final class PostgresRunEvents implements RunEvents {
  private static final Logger log = LoggerFactory.getLogger(PostgresRunEvents.class);
  static final String CHANNEL = "penstock_runs";
  private static final String NOTIFY =
      "SELECT pg_notify(?, message) FROM unnest(CAST(? AS text[])) AS message";
  private static final int POLL_MILLIS = 500;
  private static final long RECONNECT_MILLIS = 1000;
  private static final int MAX_BATCH = 1000;

  private final Database database;
  private final String url;
  private final String user;
  private final String password;
  private final String origin = UUID.randomUUID().toString().substring(0, 13);
  private final BlockingQueue<String> outbox = new LinkedBlockingQueue<>();
  private final Thread sender;
  private volatile boolean closed;
  private volatile Thread listening;

  PostgresRunEvents(Database database, String url, String user, String password) {
    this.database = database;
    this.url = url;
    this.user = user;
    this.password = password;
    this.sender =
        Thread.ofPlatform().daemon().name("penstock-run-announcer").start(this::sendUntilClosed);
  }

  @Override
  public void announce(String pipelineVersionId) {
    outbox.offer(origin + " R " + pipelineVersionId);
  }

  @Override
  public void announceStep(String pipelineVersionId, String stepVersionId) {
    outbox.offer(origin + " S " + pipelineVersionId + " " + stepVersionId);
  }

  @Override
  public void announceReady(String pipelineVersionId) {
    outbox.offer(origin + " W " + pipelineVersionId);
  }

  private void sendUntilClosed() {
    while (!closed || !outbox.isEmpty()) {
      Set<String> batch = new LinkedHashSet<>();
      try {
        String first = outbox.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
      } catch (InterruptedException e) {
        return;
      }
      outbox.drainTo(batch, MAX_BATCH);
      send(batch);
    }
  }

  private void send(Set<String> messages) {
    try {
      database.withHandle(
          handle -> {
            Connection connection = handle.getConnection();
            try (PreparedStatement notify = connection.prepareStatement(NOTIFY)) {
              notify.setString(1, CHANNEL);
              notify.setArray(2, connection.createArrayOf("text", messages.toArray()));
              notify.execute();
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
            return null;
          });
    } catch (RuntimeException e) {
      // The sweep on the other servers finds the changes anyway, only later.
      log.warn("Could not announce {} run changes: {}", messages.size(), e.toString());
    }
  }

  @Override
  public synchronized void listen(Consumer<Change> listener) {
    if (listening != null || closed) {
      return;
    }
    listening =
        Thread.ofPlatform()
            .daemon()
            .name("penstock-run-events")
            .start(() -> listenUntilClosed(listener));
  }

  private void listenUntilClosed(Consumer<Change> listener) {
    while (!closed) {
      try (Connection connection = DriverManager.getConnection(url, user, password)) {
        try (Statement listen = connection.createStatement()) {
          listen.execute("LISTEN " + CHANNEL);
        }
        PGConnection notifications = connection.unwrap(PGConnection.class);
        while (!closed) {
          // Returns as soon as a message arrives; the timeout only bounds how late a close is seen.
          PGNotification[] arrived = notifications.getNotifications(POLL_MILLIS);
          if (arrived == null) {
            continue;
          }
          for (PGNotification notification : arrived) {
            Change change = fromOthers(notification.getParameter());
            if (change != null) {
              deliver(listener, change);
            }
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

  /** The change a message tells, or null for this server's own or one it cannot read. */
  private Change fromOthers(String message) {
    String[] parts = message.split(" ");
    if (parts.length < 3 || parts[0].equals(origin)) {
      return null;
    }
    return switch (parts[1]) {
      case "R" -> parts.length == 3 ? new Change(Kind.RUN, parts[2], null) : null;
      case "S" -> parts.length == 4 ? new Change(Kind.STEP, parts[2], parts[3]) : null;
      case "W" -> parts.length == 3 ? new Change(Kind.READY, parts[2], null) : null;
      default -> null;
    };
  }

  private static void deliver(Consumer<Change> listener, Change change) {
    try {
      listener.accept(change);
    } catch (RuntimeException e) {
      log.warn("Acting on a change of run {} failed; the sweep will", change, e);
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

  /** Sends what the outbox still holds, then stops listening. */
  @Override
  public void close() {
    closed = true;
    join(sender);
    join(listening);
  }

  private static void join(Thread thread) {
    if (thread == null) {
      return;
    }
    try {
      thread.join(2L * POLL_MILLIS + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
