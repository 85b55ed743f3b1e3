package dev.penstock.app;

import java.util.Locale;
import java.util.Optional;

/**
 * What a server does for a cluster: serve the API and the web UI to users, run steps, or both (the
 * default). Several servers on one PostgreSQL database may split the roles between them.
 */
public enum ServerRole {
  API,
  WORKER;

  /** The role a configuration names ({@code api} or {@code worker}), if it names one. */
  static Optional<ServerRole> named(String name) {
    return switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "api" -> Optional.of(API);
      case "worker" -> Optional.of(WORKER);
      default -> Optional.empty();
    };
  }
}
