package dev.penstock.api;

import dev.penstock.engine.access.ApiKeys;
import dev.penstock.engine.attempt.RunKeys;
import dev.penstock.model.PermissionDeniedException;
import dev.penstock.model.StepVersion;
import dev.penstock.store.ApiKey;
import dev.penstock.store.RunStore;
import java.util.Objects;

/**
 * Who calls (the {@code apiKey} header) and what they may do. A stored key is ADMIN or READ_ONLY; a
 * run's key (the one its steps get in ABACUS_API_KEY) lives while its run is open and reaches only
 * that run: its version, step versions and logs, and the SDK's handshake. A missing or wrong key
 * reveals nothing else. A server that does not serve users (the worker role alone) answers only its
 * runs' keys. Thread-safe.
 */
final class Auth {
  /** The caller of one request: a stored key (by id and scope), or the key of run {@code runId}. */
  record Caller(String keyId, ApiKey.Scope scope, String runId) {
    /** How the audit log names the caller; never the key itself. */
    String name() {
      return runId != null ? "run-key:" + runId : "key:" + keyId;
    }
  }

  private final ApiKeys apiKeys;
  private final RunKeys runKeys;
  private final boolean servesUsers;
  private final RunStore runs;

  Auth(ApiKeys apiKeys, RunKeys runKeys, RunStore runs, boolean servesUsers) {
    this.apiKeys = apiKeys;
    this.runKeys = runKeys;
    this.runs = runs;
    this.servesUsers = servesUsers;
  }

  /** The caller the header names; PermissionDenied when it names none. */
  Caller authenticate(String apiKey) {
    Caller caller = identify(apiKey);
    if (caller.runId() == null && !servesUsers) {
      throw new PermissionDeniedException(
          "This server only runs steps (--roles worker): send requests to a server with the api"
              + " role");
    }
    return caller;
  }

  /**
   * Throws PermissionDenied unless the header holds a stored key, of any scope (not a run's): for
   * the operators' routes, which every server serves.
   */
  void checkStoredKey(String apiKey) {
    if (identify(apiKey).runId() != null) {
      throw new PermissionDeniedException("A run's API key reaches only its own run");
    }
  }

  private Caller identify(String apiKey) {
    if (apiKey == null || apiKey.isBlank()) {
      throw new PermissionDeniedException();
    }
    var run = runKeys.runOf(apiKey);
    if (run.isPresent()) {
      boolean open = runs.versionStatus(run.get()).map(status -> !status.terminal()).orElse(false);
      if (!open) {
        throw new PermissionDeniedException();
      }
      return new Caller(null, null, run.get());
    }
    ApiKey key = apiKeys.authenticate(apiKey).orElseThrow(PermissionDeniedException::new);
    return new Caller(key.id(), key.scope(), null);
  }

  /** Throws PermissionDenied unless {@code caller} may call {@code method} with {@code params}. */
  void authorize(Caller caller, ApiMethod method, Params params) {
    if (caller.runId() != null) {
      if (!reachesOwnRun(caller.runId(), method, params)) {
        throw new PermissionDeniedException(
            "A run's API key reaches only its own run (its version, step versions and logs); it"
                + " may not call "
                + method.name()
                + " with these parameters");
      }
      return;
    }
    if (caller.scope() == ApiKey.Scope.ADMIN) {
      return;
    }
    if (method.access().adminOnly()) {
      throw new PermissionDeniedException(method.name() + " needs an admin API key");
    }
    if (method.changesState()) {
      throw new PermissionDeniedException(
          "This API key is read-only, and " + method.name() + " changes state");
    }
  }

  private boolean reachesOwnRun(String runId, ApiMethod method, Params params) {
    return switch (method.access().runScope()) {
      case NONE -> false;
      case ANY -> true;
      case OWN_VERSION -> runId.equals(params.string("pipelineVersion"));
      case OWN_STEP_VERSION -> {
        String stepVersionId = params.string("pipelineStepVersion");
        // A step version of another run, or none, is refused alike: its existence is not told.
        yield stepVersionId != null
            && runs.findStepVersionToPlan(stepVersionId)
                .map(StepVersion::pipelineVersionId)
                .filter(owner -> Objects.equals(owner, runId))
                .isPresent();
      }
    };
  }
}
