package dev.penstock.store;

import java.time.Instant;

/**
 * A stored API key: everything but the key itself, of which only a salted hash is kept ({@code
 * salt} empty for a key stored before salts, whose hash is a plain SHA-256). {@code prefix} and
 * {@code suffix} are the key's first and last characters, shown so a user can tell keys apart.
 */
public record ApiKey(
    String id,
    Scope scope,
    String tag,
    String prefix,
    String suffix,
    String salt,
    String keyHash,
    Instant createdAt,
    Instant lastUsedAt) {

  /** What a key may do. */
  public enum Scope {
    /** Every method, key management included. */
    ADMIN,
    /** Only methods that change nothing. */
    READ_ONLY
  }
}
