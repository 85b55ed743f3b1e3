package dev.penstock.api;

/**
 * An error answered before a method runs: malformed body, unknown method, wrong verb, body too
 * large. Its errorType is one of {@link ErrorMapper#ERROR_TYPES}.
 */
final class ApiError extends RuntimeException {
  private final int status;
  private final String errorType;

  ApiError(int status, String errorType, String message) {
    super(message);
    if (!ErrorMapper.ERROR_TYPES.contains(errorType)) {
      throw new IllegalArgumentException("the SDK has no errorType " + errorType);
    }
    this.status = status;
    this.errorType = errorType;
  }

  int status() {
    return status;
  }

  String errorType() {
    return errorType;
  }
}
