package dev.penstock.web.step;

import dev.penstock.engine.artifact.DownloadHeaders;
import dev.penstock.model.Artifact;
import dev.penstock.model.NotFoundException;
import dev.penstock.web.WebUi;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;

/**
 * One artifact's file for the pages ({@code /runs/{versionId}/artifacts/{artifactId}}), streamed
 * from disk as it was stored, never held in memory. What a step wrote is not trusted: it is offered
 * as an attachment, but for an image the panel shows ({@code ?inline=1}); the browser must not
 * guess its type; and it is sandboxed, so that an HTML or SVG file opened anyway runs no script
 * with the UI's origin. Thread-safe.
 */
final class ArtifactDownloads {
  private final WebUi.Services services;

  ArtifactDownloads(WebUi.Services services) {
    this.services = services;
  }

  void download(Context ctx) throws IOException {
    String versionId = ctx.pathParam("versionId");
    String artifactId = ctx.pathParam("artifactId");
    Artifact artifact =
        services
            .artifacts()
            .find(versionId, artifactId)
            .orElseThrow(() -> notFound(versionId, artifactId));
    InputStream in;
    try {
      // Opened first: a file gone since it was found is a 404, not a 200 with no body.
      in = services.artifacts().open(artifact);
    } catch (NoSuchFileException gone) {
      throw notFound(versionId, artifactId);
    }
    String contentType = DownloadHeaders.contentType(artifact.contentType());
    boolean inline =
        "1".equals(ctx.queryParam("inline")) && StepArtifacts.isImage(artifact.contentType());
    ctx.status(200)
        .contentType(contentType)
        .header(
            "Content-Disposition",
            DownloadHeaders.disposition(inline, DownloadHeaders.fileName(artifact)))
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", DownloadHeaders.SANDBOX)
        .result(in);
  }

  private static NotFoundException notFound(String versionId, String artifactId) {
    return new NotFoundException("No artifact " + artifactId + " in the run " + versionId + ".");
  }
}
