package dev.penstock.web;

import dev.penstock.engine.access.ApiKeys;
import dev.penstock.store.ApiKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signed-in browsers, in this server's memory: a restart signs everyone out, which costs a user one
 * sign-in and keeps no secret on disk. Each use checks the key again, so a revoked key ends its
 * sessions at once. A session unused for {@link #IDLE_LIMIT} ends. Thread-safe.
 */
final class Sessions {
  static final Duration IDLE_LIMIT = Duration.ofHours(12);

  private final ApiKeys apiKeys;
  private final InstantSource clock;
  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<String, Session> byId = new ConcurrentHashMap<>();

  Sessions(ApiKeys apiKeys, InstantSource clock) {
    this.apiKeys = apiKeys;
    this.clock = clock;
  }

  /** Signs in with {@code apiKey}: a new session, or empty when the key is unknown. */
  Optional<Session> signIn(String apiKey) {
    if (apiKey == null || apiKey.isBlank()) {
      return Optional.empty();
    }
    return apiKeys
        .authenticate(apiKey.strip())
        .map(
            key -> {
              dropIdle();
              var session =
                  new Session(token(), apiKey.strip(), key.scope(), token(), clock.instant());
              byId.put(session.id(), session);
              return session;
            });
  }

  /** The live session with this id, its key still valid; empty otherwise (and it is dropped). */
  Optional<Session> find(String sessionId) {
    if (sessionId == null) {
      return Optional.empty();
    }
    Session session = byId.get(sessionId);
    if (session == null) {
      return Optional.empty();
    }
    var now = clock.instant();
    Optional<ApiKey> key =
        session.lastSeen().plus(IDLE_LIMIT).isBefore(now)
            ? Optional.empty()
            : apiKeys.authenticate(session.apiKey());
    if (key.isEmpty()) {
      byId.remove(sessionId);
      return Optional.empty();
    }
    Session seen = session.seenAt(now);
    byId.replace(sessionId, session, seen);
    return Optional.of(seen);
  }

  void signOut(String sessionId) {
    if (sessionId != null) {
      byId.remove(sessionId);
    }
  }

  /** A random token of 256 bits, hex: session ids and CSRF tokens. */
  String token() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private void dropIdle() {
    var cutoff = clock.instant().minus(IDLE_LIMIT);
    byId.values().removeIf(session -> session.lastSeen().isBefore(cutoff));
  }
}
