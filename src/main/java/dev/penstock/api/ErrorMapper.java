package dev.penstock.api;

import dev.penstock.model.AlreadyExistsException;
import dev.penstock.model.ConflictException;
import dev.penstock.model.FailedDependencyException;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.MissingParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PermissionDeniedException;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place an exception becomes an HTTP status and an SDK errorType. Every errorType is a
 * class of the SDK's own list (docs/abacus-api.md §1.6): the SDK looks it up by name, and an
 * unknown name would give the user a bare ApiException. Never 502, 503 or 304. Thread-safe.
 */
final class ErrorMapper {
  /**
   * @param logged true for what the server's operator must see: the log repeats the request id
   */
  record Mapped(int status, String errorType, String message, boolean logged) {}

  /** Every errorType the server sends. */
  static final List<String> ERROR_TYPES =
      List.of(
          "DataNotFoundError",
          "Generic404Error",
          "MissingParameterError",
          "InvalidParameterError",
          "InvalidRequest",
          "AlreadyExistsError",
          "ConflictError",
          "PermissionDeniedError",
          "MethodNotAllowed",
          "FailedDependencyError",
          "InternalServerError");

  private static final Map<Class<? extends RuntimeException>, Mapped> TABLE = new LinkedHashMap<>();

  static {
    TABLE.put(NotFoundException.class, new Mapped(404, "DataNotFoundError", null, false));
    TABLE.put(
        MissingParameterException.class, new Mapped(400, "MissingParameterError", null, false));
    TABLE.put(
        InvalidParameterException.class, new Mapped(400, "InvalidParameterError", null, false));
    TABLE.put(AlreadyExistsException.class, new Mapped(409, "AlreadyExistsError", null, false));
    TABLE.put(ConflictException.class, new Mapped(409, "ConflictError", null, false));
    TABLE.put(
        PermissionDeniedException.class, new Mapped(403, "PermissionDeniedError", null, false));
    TABLE.put(
        FailedDependencyException.class, new Mapped(424, "FailedDependencyError", null, true));
  }

  private ErrorMapper() {}

  static Mapped map(Throwable error) {
    if (error instanceof ApiError api) {
      return new Mapped(api.status(), api.errorType(), api.getMessage(), false);
    }
    if (error instanceof HttpResponseException http) {
      return javalin(http);
    }
    for (var entry : TABLE.entrySet()) {
      if (entry.getKey().isInstance(error)) {
        var mapped = entry.getValue();
        return new Mapped(mapped.status(), mapped.errorType(), error.getMessage(), mapped.logged());
      }
    }
    return new Mapped(500, "InternalServerError", "Internal server error", true);
  }

  /** Javalin's own answers (a body it could not read, say) in the SDK's terms. */
  private static Mapped javalin(HttpResponseException http) {
    return switch (http.getStatus()) {
      case 400 -> new Mapped(400, "InvalidRequest", http.getMessage(), false);
      case 404 -> new Mapped(404, "Generic404Error", http.getMessage(), false);
      case 405 -> new Mapped(405, "MethodNotAllowed", http.getMessage(), false);
      default -> new Mapped(500, "InternalServerError", "Internal server error", true);
    };
  }
}
