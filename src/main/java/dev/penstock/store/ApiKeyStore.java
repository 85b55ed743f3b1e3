package dev.penstock.store;

import java.time.Instant;
import java.util.Optional;

/** API keys, stored as SHA-256 hashes only. Thread-safe. */
public interface ApiKeyStore {

  /** Adds a key; {@code pipelineVersionId} is set for keys that live only as long as one run. */
  void addKey(String keyHash, ApiKey.Kind kind, String pipelineVersionId, Instant now);

  Optional<ApiKey> findKey(String keyHash);

  /** Whether any admin key exists (false on a fresh database). */
  boolean hasAdminKey();

  /** Deletes the keys that were made for the run. */
  void deleteRunKeys(String pipelineVersionId);
}
