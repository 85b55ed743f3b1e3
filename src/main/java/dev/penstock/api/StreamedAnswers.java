package dev.penstock.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a {@link Streamed} result in the envelope, {@code {"success": true, "result": ...}}, with
 * the result going straight to the response as it is read. Thread-safe.
 *
 * <p>An error before the result opens its sink is thrown, to be answered in the envelope like any
 * other. After that the status and the start of the body are on their way, and no envelope can
 * follow: the error is logged with the request id (which the answer's x-request-id header carries)
 * and the connection is closed before the body's end, so that the client sees a broken answer (an
 * unfinished chunked body, which the SDK raises on) rather than a complete one that is wrong.
 */
final class StreamedAnswers {
  private static final Logger log = LoggerFactory.getLogger(StreamedAnswers.class);
  private final Envelope envelope;

  StreamedAnswers(Envelope envelope) {
    this.envelope = envelope;
  }

  void write(Context ctx, Streamed result) throws IOException {
    var sink = new OpenOnce(ctx);
    try {
      result.writeTo(sink);
      sink.finish();
    } catch (Throwable error) {
      if (sink.json == null) {
        throw error;
      }
      broken(ctx, error);
    }
  }

  private void broken(Context ctx, Throwable error) {
    String requestId = envelope.requestId(ctx);
    if (error instanceof IOException || error instanceof UncheckedIOException) {
      // Most often the client went away; its reason is all there is to say.
      log.warn(
          "Request {} {} {}: the answer broke off after it had begun: {}",
          requestId,
          ctx.method(),
          ctx.path(),
          error.toString());
    } else {
      log.error(
          "Request {} {} {} failed after its answer had begun; the connection is closed",
          requestId,
          ctx.method(),
          ctx.path(),
          error);
    }
    // Closing the connection itself: Jetty's abort of the exchange leaves Javalin, which still
    // finishes the response after the handler, failing on a state it does not expect.
    ServletContextRequest.getServletContextRequest(ctx.req())
        .getServletChannel()
        .getEndPoint()
        .close(error);
  }

  /** The sink of one answer: the envelope's head, written once the result opens it. */
  private final class OpenOnce implements Streamed.Sink {
    private final Context ctx;
    private JsonGenerator json;

    OpenOnce(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public JsonGenerator open() throws IOException {
      if (json != null) {
        throw new IllegalStateException("a streamed answer was opened twice");
      }
      envelope.answering(ctx);
      ctx.status(200).contentType("application/json");
      // Javalin's stream, which compresses as it does every other answer when the client asks.
      json = RunJson.WRITER.createGenerator(ctx.outputStream());
      json.writeStartObject();
      json.writeBooleanField("success", true);
      json.writeFieldName("result");
      return json;
    }

    void finish() throws IOException {
      json.writeEndObject();
      json.close(); // and the response's stream with it, which ends the answer
    }
  }
}
