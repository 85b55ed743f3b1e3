package dev.penstock.app;

import dev.penstock.api.Readiness;
import dev.penstock.store.StatusCounts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Whether this server can serve: the store answers a ping within {@link #STORE_DEADLINE}, the
 * scheduler and the sweeper run, and the server is not stopping. Thread-safe.
 */
final class ServerReadiness implements Readiness {
  static final Duration STORE_DEADLINE = Duration.ofSeconds(2);

  /** A part of the server that runs by itself, with its test and what to say when it fails. */
  record Part(String name, BooleanSupplier running, String whenNot) {}

  private final GuardedRead<Boolean> ping;
  private final List<Part> parts;

  ServerReadiness(StatusCounts store, List<Part> parts) {
    this.ping =
        new GuardedRead<>(
            () -> {
              store.ping();
              return true;
            },
            STORE_DEADLINE,
            "readiness-ping");
    this.parts = List.copyOf(parts);
  }

  @Override
  public List<Check> checks() {
    var checks = new ArrayList<Check>();
    checks.add(new Check("store", storeProblem()));
    for (Part part : parts) {
      boolean running;
      try {
        running = part.running().getAsBoolean();
      } catch (RuntimeException e) {
        running = false;
      }
      checks.add(new Check(part.name(), running ? null : part.whenNot()));
    }
    return checks;
  }

  private String storeProblem() {
    try {
      ping.get();
      return null;
    } catch (TimeoutException e) {
      return "the database did not answer within " + STORE_DEADLINE.toSeconds() + " s";
    } catch (ExecutionException e) {
      return "the database failed: " + firstLine(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while the database was asked";
    }
  }

  private static String firstLine(Throwable error) {
    String message = String.valueOf(error.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
