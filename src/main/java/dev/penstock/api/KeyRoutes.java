package dev.penstock.api;

import static dev.penstock.api.ApiMethod.Verb.DELETE;
import static dev.penstock.api.ApiMethod.Verb.GET;
import static dev.penstock.api.ApiMethod.Verb.POST;
import static dev.penstock.api.ParamType.ID;
import static dev.penstock.api.ParamType.NAME;
import static dev.penstock.api.ParamType.STRING;

import dev.penstock.api.dto.ApiKeyResponse;
import dev.penstock.api.dto.Times;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.store.ApiKey;
import java.util.List;
import java.util.Locale;

/**
 * API keys: listApiKeys and deleteApiKey as the SDK calls them, createApiKey of Penstock's own.
 * Only admin keys manage keys. Thread-safe.
 */
final class KeyRoutes {
  private final ApiServer.Services services;

  KeyRoutes(ApiServer.Services services) {
    this.services = services;
  }

  List<ApiMethod> methods() {
    return List.of(
        ApiMethod.write(
                POST,
                "createApiKey",
                "Makes an API key and shows it, this once; only its hash is kept.")
            .extension()
            .adminOnly()
            .requiredExtra(
                "scope",
                STRING,
                "ADMIN (every method) or READ_ONLY (only methods that change nothing)")
            .extra("tag", NAME, "a name that says what the key is for")
            .returns(ApiKeyResponse.class)
            .handler(
                params -> {
                  var issued =
                      services
                          .apiKeys()
                          .create(scope(params.string("scope")), params.string("tag"));
                  return response(issued.stored(), issued.key());
                }),
        ApiMethod.read(GET, "listApiKeys", "Every API key, newest first, without its secret.")
            .adminOnly()
            .ignored("type", STRING, "the kind of keys to list; every Penstock key is 'default'")
            .returnsListOf(ApiKeyResponse.class)
            .handler(
                params ->
                    services.apiKeys().list().stream().map(key -> response(key, null)).toList()),
        ApiMethod.write(
                DELETE,
                "deleteApiKey",
                "Revokes an API key: it is refused from the next request on. The last admin key"
                    + " stays.")
            .adminOnly()
            .required("apiKeyId", ID, "the key's id, as listApiKeys shows it")
            .handler(
                params -> {
                  services.apiKeys().revoke(params.string("apiKeyId"));
                  return null;
                }));
  }

  private static ApiKey.Scope scope(String text) {
    try {
      return ApiKey.Scope.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterException("scope must be ADMIN or READ_ONLY, not '" + text + "'");
    }
  }

  /** The key as listed, or with {@code wholeKey} the one time it is shown. */
  private static ApiKeyResponse response(ApiKey key, String wholeKey) {
    return new ApiKeyResponse(
        key.id(),
        wholeKey != null ? wholeKey : key.prefix() + "…" + key.suffix(),
        key.suffix(),
        key.tag(),
        "default",
        Times.iso(key.createdAt()),
        null,
        false,
        key.scope().name(),
        Times.iso(key.lastUsedAt()));
  }
}
