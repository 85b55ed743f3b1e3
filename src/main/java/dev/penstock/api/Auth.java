package dev.penstock.api;

import dev.penstock.engine.access.ApiKeys;
import dev.penstock.engine.attempt.RunKeys;
import dev.penstock.model.PermissionDeniedException;
import dev.penstock.store.RunStore;

/**
 * Checks the {@code apiKey} header: a stored key (compared by SHA-256 hash), or the key of a run
 * that is still open. A missing or wrong key reveals nothing else. Thread-safe.
 */
final class Auth {
  private final ApiKeys apiKeys;
  private final RunKeys runKeys;
  private final RunStore runs;

  Auth(ApiKeys apiKeys, RunKeys runKeys, RunStore runs) {
    this.apiKeys = apiKeys;
    this.runKeys = runKeys;
    this.runs = runs;
  }

  void check(String apiKey) {
    if (apiKey == null || apiKey.isBlank()) {
      throw new PermissionDeniedException();
    }
    var run = runKeys.runOf(apiKey);
    if (run.isPresent()) {
      boolean open = runs.versionStatus(run.get()).map(status -> !status.terminal()).orElse(false);
      if (open) {
        return;
      }
      throw new PermissionDeniedException();
    }
    if (apiKeys.authenticate(apiKey).isEmpty()) {
      throw new PermissionDeniedException();
    }
  }
}
