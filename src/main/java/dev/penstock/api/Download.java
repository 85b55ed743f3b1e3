package dev.penstock.api;

import dev.penstock.engine.artifact.DownloadHeaders;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * A result that is a file, not JSON: answered as its bytes with its content type, streamed from
 * disk, never held in memory, and offered as an attachment under {@code fileName} (see {@link
 * DownloadHeaders}).
 */
record Download(Path file, String contentType, String fileName) {

  void writeTo(Context ctx) throws IOException {
    // Opened first: a file gone since it was found is an error in the envelope, not a 200.
    var in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
    ctx.status(200)
        .contentType(DownloadHeaders.contentType(contentType))
        .header("Content-Disposition", DownloadHeaders.disposition(false, fileName))
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", DownloadHeaders.SANDBOX)
        .result(in);
  }
}
