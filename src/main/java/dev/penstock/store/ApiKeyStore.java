package dev.penstock.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * API keys, kept as salted hashes (see {@link ApiKey}). Every write is one short transaction,
 * durable when the method returns. Implementations are thread-safe.
 */
public interface ApiKeyStore {

  /** Stores a new key; AlreadyExistsException when its id is taken. */
  void addKey(ApiKey key);

  /** The key with this id, if it exists (revoked keys do not). */
  Optional<ApiKey> findKey(String id);

  /** The unsalted keys (stored before salts) whose plain SHA-256 hash is {@code keyHash}. */
  Optional<ApiKey> findUnsaltedKey(String keyHash);

  /** Every key, newest first. */
  List<ApiKey> listKeys();

  /**
   * Deletes a key, unless it is the last ADMIN key (which would lock every user out): that throws
   * ConflictException and deletes nothing. False when no key has this id.
   */
  boolean deleteKey(String id);

  /** Whether any ADMIN key exists (false on a fresh database). */
  boolean hasAdminKey();

  /**
   * Records that the key was used at {@code at}, unless a later use is recorded already. Callers
   * may skip calls to save writes; a missing key is ignored.
   */
  void markUsed(String id, Instant at);
}
