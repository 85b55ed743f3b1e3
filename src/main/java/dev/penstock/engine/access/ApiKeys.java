package dev.penstock.engine.access;

import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.store.ApiKey;
import dev.penstock.store.ApiKeyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues, checks, lists and revokes API keys. A generated key reads {@code pk-<id>-<secret>}: the
 * id finds its row, and only a salted SHA-256 hash of the whole key is stored, so the database
 * alone gives no key away. A key chosen by the operator (the admin key given at start) has no id in
 * it and is stored as a plain SHA-256 hash, to be found by it. Every check reads the store, so a
 * revoked key is refused at once, on every server. Thread-safe.
 */
public final class ApiKeys {
  private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
  private static final String PREFIX = "pk-";
  private static final Pattern GENERATED = Pattern.compile("pk-([0-9a-f]{12})-[0-9a-f]{40}");
  private static final int MAX_TAG_LENGTH = 200;
  public static final int MIN_CHOSEN_KEY_LENGTH = 16;

  /** Writing a key's last use at most this often spares a write per request. */
  private static final Duration USE_RECORDING_INTERVAL = Duration.ofMinutes(1);

  /** A new key with the only copy of its secret, to be shown once. */
  public record Issued(ApiKey stored, String key) {}

  private final ApiKeyStore store;
  private final InstantSource clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Instant> lastRecordedUse = new ConcurrentHashMap<>();

  public ApiKeys(ApiKeyStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Makes a key of {@code scope}; {@code tag} (may be null) names it for its users. */
  public Issued create(ApiKey.Scope scope, String tag) {
    if (tag != null
        && (tag.length() > MAX_TAG_LENGTH || tag.chars().anyMatch(Character::isISOControl))) {
      throw new InvalidParameterException(
          "tag must be at most " + MAX_TAG_LENGTH + " characters without control characters");
    }
    String id = hex(6);
    String key = PREFIX + id + "-" + hex(20);
    String salt = hex(16);
    var stored =
        new ApiKey(
            id,
            scope,
            tag,
            key.substring(0, PREFIX.length() + 6),
            key.substring(key.length() - 4),
            salt,
            sha256(salt + key),
            clock.instant(),
            null);
    store.addKey(stored);
    return new Issued(stored, key);
  }

  /** The stored key {@code presented} is, if it is one. */
  public Optional<ApiKey> authenticate(String presented) {
    if (presented == null || presented.isEmpty()) {
      return Optional.empty();
    }
    var generated = GENERATED.matcher(presented);
    Optional<ApiKey> found =
        generated.matches()
            ? store
                .findKey(generated.group(1))
                .filter(key -> constantTimeEquals(key.keyHash(), sha256(key.salt() + presented)))
            : store.findUnsaltedKey(sha256(presented));
    found.ifPresent(this::recordUse);
    return found;
  }

  /** Whether anyone can sign in as an admin yet (false on a fresh database). */
  public boolean hasAdminKey() {
    return store.hasAdminKey();
  }

  /** Every key, newest first, without secrets. */
  public List<ApiKey> list() {
    return store.listKeys();
  }

  /** Revokes a key: it is refused from the next request on. The last admin key stays. */
  public void revoke(String id) {
    if (!store.deleteKey(id)) {
      throw new NotFoundException("API key not found: " + id);
    }
    lastRecordedUse.remove(id);
  }

  /**
   * Makes sure someone can sign in. With {@code chosen} (the operator's own admin key) that key is
   * added unless it exists; otherwise a key is generated when there is no admin key yet. Returns
   * the key added, if any.
   */
  public Optional<Issued> ensureAdminKey(String chosen) {
    if (chosen != null) {
      if (chosen.length() < MIN_CHOSEN_KEY_LENGTH) {
        throw new InvalidParameterException(
            "the admin API key must be at least " + MIN_CHOSEN_KEY_LENGTH + " characters long");
      }
      if (authenticate(chosen).isPresent()) {
        return Optional.empty();
      }
      var stored =
          new ApiKey(
              "admin-" + hex(6),
              ApiKey.Scope.ADMIN,
              "admin key chosen at start",
              chosen.substring(0, 3),
              chosen.substring(chosen.length() - 4),
              "",
              sha256(chosen),
              clock.instant(),
              null);
      store.addKey(stored);
      return Optional.of(new Issued(stored, chosen));
    }
    if (store.hasAdminKey()) {
      return Optional.empty();
    }
    return Optional.of(create(ApiKey.Scope.ADMIN, "first-start admin key"));
  }

  private void recordUse(ApiKey key) {
    Instant now = clock.instant();
    Instant last = lastRecordedUse.get(key.id());
    if (last != null && last.plus(USE_RECORDING_INTERVAL).isAfter(now)) {
      return;
    }
    lastRecordedUse.put(key.id(), now);
    try {
      store.markUsed(key.id(), now);
    } catch (RuntimeException e) {
      // A full disk or a busy database must not lock users out; the time is only informative.
      log.debug("Could not record the use of API key {}: {}", key.id(), e.toString());
    }
  }

  private String hex(int bytes) {
    byte[] value = new byte[bytes];
    random.nextBytes(value);
    return HexFormat.of().formatHex(value);
  }

  static String sha256(String text) {
    try {
      var digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException impossible) {
      throw new IllegalStateException("SHA-256 is part of every JDK", impossible);
    }
  }

  private static boolean constantTimeEquals(String expected, String given) {
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), given.getBytes(StandardCharsets.US_ASCII));
  }
}
