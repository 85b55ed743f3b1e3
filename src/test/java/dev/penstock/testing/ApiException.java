package dev.penstock.testing;

/** What the SDK raises for a failed call: status, errorType, message and request id. */
public final class ApiException extends RuntimeException {
  private final int httpStatus;
  private final String errorType;
  private final String requestId;

  ApiException(int httpStatus, String errorType, String message, String requestId) {
    super(errorType + "(" + httpStatus + "): " + message + ". Request ID: " + requestId);
    this.httpStatus = httpStatus;
    this.errorType = errorType;
    this.requestId = requestId;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String errorType() {
    return errorType;
  }

  public String requestId() {
    return requestId;
  }
}
