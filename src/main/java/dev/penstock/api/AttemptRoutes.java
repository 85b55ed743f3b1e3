package dev.penstock.api;

import dev.penstock.engine.attempt.AttemptUploads;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The internal calls with which a step running in a Kubernetes pod sends back what it left: {@code
 * PUT /internal/attempts/{step}/{attempt}/files/<path>} for each kept file, then {@code .../result}
 * for result.json, each with the attempt's token as a bearer token; and {@code GET .../bundle}, the
 * files of its working directory as a zip, for a pod whose files were too large for its Secret. A
 * body goes to a temporary file first and takes its name in one rename, so the executor never reads
 * half of one; one over its limit is refused (413) and leaves nothing. Answers in the API's
 * envelope. Thread-safe.
 */
final class AttemptRoutes {
  static final String PREFIX = "/internal/attempts/";
  private static final String RESULT_FILE = "result.json";

  private final AttemptUploads uploads;
  private final long maxResultBytes;
  private final long maxFileBytes;

  AttemptRoutes(AttemptUploads uploads, long maxResultBytes, long maxFileBytes) {
    this.uploads = uploads;
    this.maxResultBytes = maxResultBytes;
    this.maxFileBytes = maxFileBytes;
  }

  void register(JavalinConfig config, Envelope envelope) {
    config.routes.put(
        PREFIX + "{step}/{attempt}/files/<path>",
        ctx ->
            answer(
                ctx,
                envelope,
                () -> {
                  Path workDir = workDir(ctx);
                  receive(ctx, uploads.keptFile(workDir, ctx.pathParam("path")), maxFileBytes);
                }));
    config.routes.get(
        PREFIX + "{step}/{attempt}/bundle",
        ctx -> {
          envelope.requestId(ctx);
          try {
            Path workDir = workDir(ctx);
            envelope.answering(ctx);
            ctx.contentType("application/zip");
            zip(workDir, ctx.res().getOutputStream());
          } catch (AttemptUploads.Refused e) {
            envelope.failure(ctx, new ApiError(e.status(), errorType(e.status()), e.getMessage()));
          } catch (IOException | RuntimeException e) {
            envelope.failure(ctx, e);
          }
        });
    config.routes.put(
        PREFIX + "{step}/{attempt}/result",
        ctx ->
            answer(
                ctx,
                envelope,
                () -> receive(ctx, workDir(ctx).resolve(RESULT_FILE), maxResultBytes)));
  }

  private interface Upload {
    void run() throws IOException;
  }

  private static void answer(Context ctx, Envelope envelope, Upload upload) {
    envelope.requestId(ctx);
    try {
      upload.run();
      ctx.contentType("application/json").result("{\"success\":true}");
    } catch (AttemptUploads.Refused e) {
      envelope.failure(ctx, new ApiError(e.status(), errorType(e.status()), e.getMessage()));
    } catch (IOException | RuntimeException e) {
      envelope.failure(ctx, e);
    }
  }

  private static String errorType(int status) {
    return switch (status) {
      case 401 -> "InvalidApiKey";
      case 404 -> "Generic404Error";
      case 409 -> "ConflictError";
      default -> "InvalidRequest";
    };
  }

  private Path workDir(Context ctx) {
    int attempt;
    try {
      attempt = Integer.parseInt(ctx.pathParam("attempt"));
    } catch (NumberFormatException e) {
      throw new AttemptUploads.Refused(400, "the attempt must be a number");
    }
    String authorization = ctx.header("Authorization");
    String token =
        authorization != null && authorization.startsWith("Bearer ")
            ? authorization.substring("Bearer ".length()).trim()
            : null;
    return uploads.workDir(ctx.pathParam("step"), attempt, token);
  }

  /** The plain files of the working directory as a zip, by their paths relative to it. */
  private static void zip(Path workDir, OutputStream out) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(workDir)) {
      files =
          walk.filter(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
              .sorted()
              .toList();
    }
    try (var zip = new ZipOutputStream(out)) {
      for (Path file : files) {
        zip.putNextEntry(new ZipEntry(workDir.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, zip);
        zip.closeEntry();
      }
    }
  }

  /** Writes the body to {@code target}, whole or not at all, refusing one over {@code limit}. */
  private static void receive(Context ctx, Path target, long limit) throws IOException {
    Files.createDirectories(target.getParent());
    Path partial = Files.createTempFile(target.getParent(), ".upload-", ".part");
    try {
      long written = 0;
      byte[] buffer = new byte[64 * 1024];
      try (InputStream in = ctx.req().getInputStream();
          OutputStream out = Files.newOutputStream(partial)) {
        for (int n; (n = in.read(buffer)) >= 0; ) {
          written += n;
          if (written > limit) {
            throw new ApiError(
                413,
                "InvalidRequest",
                "%s is larger than the limit of %d bytes".formatted(target.getFileName(), limit));
          }
          out.write(buffer, 0, n);
        }
      }
      try {
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(partial);
    }
  }
}
