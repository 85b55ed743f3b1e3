package dev.penstock.api.dto;

/**
 * The SDK's ApiKey. {@code apiKey} holds the whole key only in the answer to createApiKey, the one
 * time it is shown; elsewhere its first and last characters around an ellipsis, as the hosted
 * service obscures it. {@code type} is always "default". {@code scope} (ADMIN or READ_ONLY) and
 * {@code lastUsedAt} (to the minute) are Penstock's own.
 */
public record ApiKeyResponse(
    String apiKeyId,
    String apiKey,
    String apiKeySuffix,
    String tag,
    String type,
    String createdAt,
    String expiresAt,
    boolean isExpired,
    String scope,
    String lastUsedAt) {}
