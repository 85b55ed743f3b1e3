package dev.penstock.executor;

import java.util.Map;

/**
 * What of the server's environment its children must not inherit: its own settings ({@code
 * PENSTOCK_*}, such as PENSTOCK_ADMIN_API_KEY and PENSTOCK_DB_PASSWORD). Steps, the fork servers
 * that make them, pip (which runs packages' build scripts) and the source inspector start without
 * them. Thread-safe: stateless.
 */
public final class ServerEnvironment {
  public static final String PREFIX = "PENSTOCK_";

  private ServerEnvironment() {}

  /** Removes the server's settings from {@code environment}, a child's, in place. */
  public static void scrub(Map<String, String> environment) {
    environment.keySet().removeIf(name -> name.startsWith(PREFIX));
  }
}
