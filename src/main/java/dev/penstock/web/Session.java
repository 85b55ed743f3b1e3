package dev.penstock.web;

import dev.penstock.store.ApiKey;
import java.time.Instant;

/**
 * One signed-in browser: the key it signed in with (kept in the server's memory only, never sent
 * back), the key's scope, and the token its forms must send back (CSRF).
 */
public record Session(
    String id, String apiKey, ApiKey.Scope scope, String csrfToken, Instant lastSeen) {

  /** Whether this session may start, rerun, cancel or pause: admin keys may, read-only ones not. */
  public boolean canAct() {
    return scope == ApiKey.Scope.ADMIN;
  }

  Session seenAt(Instant now) {
    return new Session(id, apiKey, scope, csrfToken, now);
  }
}
