package dev.penstock.api;

import dev.penstock.model.AlreadyExistsException;
import dev.penstock.model.ConflictException;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.MissingParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PermissionDeniedException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place an exception becomes an HTTP status and an SDK errorType. Every errorType is a
 * class of the SDK's own list (docs/abacus-api.md §1.6): the SDK looks it up by name, and an
 * unknown name would give the user a bare ApiException. Never 502, 503 or 304. Thread-safe.
 */
final class ErrorMapper {
  record Mapped(int status, String errorType, String message, boolean unexpected) {}

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
  }

  private ErrorMapper() {}

  static Mapped map(Throwable error) {
    if (error instanceof ApiError api) {
      return new Mapped(api.status(), api.errorType(), api.getMessage(), false);
    }
    for (var entry : TABLE.entrySet()) {
      if (entry.getKey().isInstance(error)) {
        var mapped = entry.getValue();
        return new Mapped(mapped.status(), mapped.errorType(), error.getMessage(), false);
      }
    }
    return new Mapped(500, "InternalServerError", "Internal server error", true);
  }
}
