package dev.penstock.api;

/** An error answered before a method runs: malformed body, unknown method, body too large. */
final class ApiError extends RuntimeException {
  private final int status;
  private final String errorType;

  ApiError(int status, String errorType, String message) {
    super(message);
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
