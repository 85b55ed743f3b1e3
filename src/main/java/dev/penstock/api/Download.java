package dev.penstock.api;

import dev.penstock.engine.artifact.DownloadHeaders;
import io.javalin.http.Context;
import java.io.InputStream;

/**
 * A result that is a file, not JSON: answered as its bytes with its content type, streamed from
 * where it is kept, never held in memory, and offered as an attachment under {@code fileName} (see
 * {@link DownloadHeaders}). The stream is open already, so that a file that is gone is an error in
 * the envelope, not a 200 without a body.
 */
record Download(InputStream bytes, String contentType, String fileName) {

  void writeTo(Context ctx) {
    ctx.status(200)
        .contentType(DownloadHeaders.contentType(contentType))
        .header("Content-Disposition", DownloadHeaders.disposition(false, fileName))
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", DownloadHeaders.SANDBOX)
        .result(bytes);
  }
}
