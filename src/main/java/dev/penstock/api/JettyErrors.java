package dev.penstock.api;

import dev.penstock.engine.definition.Ids;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own answers to what never reaches Javalin (a malformed request line, headers too large, a
 * failure inside Jetty) in the envelope with a request id, instead of an HTML page the SDK cannot
 * read. Thread-safe.
 */
final class JettyErrors extends ErrorHandler {
  private final Envelope envelope;

  JettyErrors(Envelope envelope) {
    this.envelope = envelope;
  }

  @Override
  public boolean errorPageForMethod(String method) {
    return true; // every verb gets the envelope, not only GET, POST and HEAD
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    String requestId = Ids.newId();
    response.getHeaders().put("x-request-id", requestId);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    byte[] body = envelope.failureBody(code, message, cause, requestId);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    String requestId = Ids.newId();
    fields.put("x-request-id", requestId);
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    return ByteBuffer.wrap(envelope.failureBody(status, reason, null, requestId));
  }
}
