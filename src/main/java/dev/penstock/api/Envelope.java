package dev.penstock.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.engine.definition.Ids;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every answer in the SDK's envelope (docs/abacus-api.md §1.5): {@code {"success": true,
 * "result"}} or {@code {"success": false, "error", "errorType", "requestId"}}, each with an {@code
 * x-request-id} header; a failure the operator must see is logged once, with that id and its cause.
 * Thread-safe.
 */
final class Envelope {
  private static final Logger log = LoggerFactory.getLogger(Envelope.class);
  private static final String ANSWERED = "penstock.answered";
  private static final String REQUEST_ID = "x-request-id";

  private record Success(boolean success, Object result) {}

  private record Failure(boolean success, String error, String errorType, String requestId) {}

  private final ObjectMapper json = new ObjectMapper();
  private final StreamedAnswers streaming = new StreamedAnswers(this);
  private final long maxBodyBytes;

  Envelope(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The request's id, made and set as a header on first use. */
  String requestId(Context ctx) {
    String existing = ctx.res().getHeader(REQUEST_ID);
    if (existing != null) {
      return existing;
    }
    String requestId = Ids.newId();
    ctx.header(REQUEST_ID, requestId);
    return requestId;
  }

  /** Whether this class (or {@link #raw}) has answered the request already. */
  boolean answered(Context ctx) {
    return ctx.attribute(ANSWERED) != null;
  }

  void success(Context ctx, Object result) throws IOException {
    if (result instanceof Streamed streamed) {
      streaming.write(ctx, streamed);
    } else if (result instanceof Download download) {
      ctx.attribute(ANSWERED, true);
      download.writeTo(ctx);
    } else {
      write(ctx, 200, new Success(true, result));
    }
  }

  /** Marks the request as answered, by a streamed answer that writes the response itself. */
  void answering(Context ctx) {
    ctx.attribute(ANSWERED, true);
  }

  /** An answer that is no envelope (the OpenAPI document), marked as answered all the same. */
  void raw(Context ctx, byte[] json) {
    requestId(ctx);
    ctx.attribute(ANSWERED, true);
    ctx.contentType("application/json").result(json);
  }

  void failure(Context ctx, Throwable error) {
    String requestId;
    String request;
    try {
      requestId = requestId(ctx);
      request = ctx.method() + " " + ctx.path();
    } catch (RuntimeException recycled) {
      // The exchange is over (a stream that outlived its server, say): there is no one to answer,
      // and throwing here would only hand Javalin an error about its own error handler.
      log.debug("No request left to answer with {}", error.toString());
      return;
    }
    if (error instanceof HttpResponseException http && http.getStatus() == 413) {
      error = tooLarge();
    }
    var mapped = ErrorMapper.map(error);
    if (mapped.logged()) {
      log.error("Request {} {} failed", requestId, request, error);
    }
    write(
        ctx, mapped.status(), new Failure(false, mapped.message(), mapped.errorType(), requestId));
  }

  /**
   * An Error (out of memory, a stack overflow) that Javalin caught outside any handler of ours: the
   * same envelope and log line, written on the raw response.
   */
  void failure(HttpServletResponse response, Error error) {
    String requestId = response.getHeader(REQUEST_ID);
    if (requestId == null) {
      requestId = Ids.newId();
      response.setHeader(REQUEST_ID, requestId);
    }
    log.error("Request {} failed", requestId, error);
    response.setStatus(500);
    response.setContentType("application/json");
    try {
      response
          .getOutputStream()
          .write(
              bytes(new Failure(false, "Internal server error", "InternalServerError", requestId)));
    } catch (IOException | RuntimeException unwritable) {
      log.warn("Request {}: the error response could not be written either", requestId);
    }
  }

  /**
   * The envelope for an answer Jetty gives on its own, by status alone; a 5xx is logged with its
   * request id like any other.
   */
  byte[] failureBody(int status, String message, Throwable cause, String requestId) {
    String errorType =
        switch (status) {
          case 404 -> "Generic404Error";
          case 405 -> "MethodNotAllowed";
          default -> status >= 500 ? "InternalServerError" : "InvalidRequest";
        };
    if (status >= 500) {
      log.error("Request {} failed in the HTTP server: {} {}", requestId, status, message, cause);
      message = "Internal server error";
    }
    return bytes(
        new Failure(false, message == null ? "HTTP " + status : message, errorType, requestId));
  }

  ApiError tooLarge() {
    return new ApiError(
        413,
        "InvalidRequest",
        "Request body is larger than the limit of " + maxBodyBytes + " bytes (max-body-size)");
  }

  private void write(Context ctx, int status, Object body) {
    ctx.attribute(ANSWERED, true);
    ctx.status(status).contentType("application/json").result(bytes(body));
  }

  private byte[] bytes(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a response could not be written as JSON", e);
    }
  }
}
