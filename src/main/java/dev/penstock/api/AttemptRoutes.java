package dev.penstock.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.engine.attempt.AttemptUploads;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;

/**
 * The internal calls with which a step running in a Kubernetes pod sends back what it left: {@code
 * POST /internal/attempts/{step}/{attempt}/manifest} first, naming every file and its size, so that
 * what would be refused is refused before a byte of it travels; then {@code PUT .../files/<path>}
 * for each kept file and {@code .../result} for result.json, each with the attempt's token as a
 * bearer token; and {@code GET .../bundle}, the files of its working directory as a zip, for a pod
 * whose files were too large for its Secret. A body goes to a temporary file first and takes its
 * name in one rename, so the executor never reads half of one; one over the room {@link
 * AttemptUploads} gives it is refused (413, from its Content-Length before a byte is read when it
 * has one) and leaves nothing. Answers in the API's envelope. Thread-safe.
 */
final class AttemptRoutes {
  static final String PREFIX = "/internal/attempts/";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final AttemptUploads uploads;

  AttemptRoutes(AttemptUploads uploads) {
    this.uploads = uploads;
  }

  void register(JavalinConfig config, Envelope envelope) {
    config.routes.put(
        PREFIX + "{step}/{attempt}/files/<path>",
        ctx ->
            answer(
                ctx,
                envelope,
                workDir ->
                    receive(ctx, workDir, uploads.keptFile(workDir, ctx.pathParam("path")))));
    config.routes.post(
        PREFIX + "{step}/{attempt}/manifest",
        ctx -> answer(ctx, envelope, workDir -> uploads.checkManifest(workDir, manifest(ctx))));
    config.routes.put(
        PREFIX + "{step}/{attempt}/result",
        ctx ->
            answer(
                ctx,
                envelope,
                workDir -> {
                  receive(ctx, workDir, uploads.resultFile(workDir));
                  uploads.finished(workDir);
                }));
    config.routes.get(
        PREFIX + "{step}/{attempt}/bundle",
        ctx ->
            answer(
                ctx,
                envelope,
                workDir -> {
                  Path zip = uploads.bundle(workDir); // whole before the answer starts
                  try (InputStream in = Files.newInputStream(zip);
                      OutputStream out = ctx.res().getOutputStream()) {
                    envelope.answering(ctx);
                    ctx.contentType("application/zip");
                    ctx.res().setContentLengthLong(Files.size(zip));
                    in.transferTo(out);
                  } finally {
                    Files.deleteIfExists(zip);
                  }
                }));
  }

  /**
   * What a pod declares it will send, read from a small JSON body: {@code {"files": {path: size},
   * "result": size}}.
   */
  private static AttemptUploads.Manifest manifest(Context ctx) {
    try {
      JsonNode body = JSON.readTree(ctx.bodyAsBytes());
      var files = new LinkedHashMap<String, Long>();
      body.path("files")
          .properties()
          .forEach(file -> files.put(file.getKey(), file.getValue().asLong(-1)));
      return new AttemptUploads.Manifest(files, body.path("result").asLong(-1));
    } catch (IOException e) {
      throw new AttemptUploads.Refused(400, "the manifest is not JSON: " + e.getMessage());
    }
  }

  private interface Work {
    void on(Path workDir) throws IOException;
  }

  private void answer(Context ctx, Envelope envelope, Work work) {
    envelope.requestId(ctx);
    try {
      work.on(workDir(ctx));
      if (!envelope.answered(ctx)) {
        ctx.contentType("application/json").result("{\"success\":true}");
      }
    } catch (AttemptUploads.Refused e) {
      envelope.failure(ctx, new ApiError(e.status(), errorType(e.status()), e.getMessage()));
    } catch (IOException | RuntimeException e) {
      envelope.failure(ctx, e);
    }
  }

  private static String errorType(int status) {
    return switch (status) {
      case 401 -> "PermissionDeniedError";
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

  /**
   * Writes the body to {@code target}, whole or not at all, within the room the attempt has left;
   * one attempt's uploads take turns, so that together they stay within it.
   */
  private void receive(Context ctx, Path workDir, Path target) throws IOException {
    var tally = uploads.tallyOf(workDir);
    synchronized (tally) {
      long room = tally.room(target);
      long declared = ctx.req().getContentLengthLong();
      if (declared > room) {
        throw tooLarge(target, room);
      }
      Files.createDirectories(target.getParent());
      Path partial = Files.createTempFile(target.getParent(), ".upload-", ".part");
      try {
        long written = copy(ctx.req().getInputStream(), partial, target, room);
        try {
          Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
        tally.received(target, written);
      } finally {
        Files.deleteIfExists(partial);
      }
    }
  }

  private static long copy(InputStream body, Path partial, Path target, long room)
      throws IOException {
    long written = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = body;
        OutputStream out = Files.newOutputStream(partial)) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        written += n;
        if (written > room) {
          throw tooLarge(target, room);
        }
        out.write(buffer, 0, n);
      }
    }
    return written;
  }

  private static AttemptUploads.Refused tooLarge(Path target, long room) {
    return new AttemptUploads.Refused(
        413,
        "%s is larger than the %d bytes the attempt has room for"
            .formatted(target.getFileName(), room));
  }
}
