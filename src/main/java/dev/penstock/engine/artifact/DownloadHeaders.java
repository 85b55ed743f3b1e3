package dev.penstock.engine.artifact;

import dev.penstock.model.Artifact;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * How an artifact is answered as a download, by the API and by the pages alike. What a step wrote
 * is not trusted: its stored content type is used only if it is well-formed, and the answer is
 * sandboxed, so that an HTML or SVG file opened anyway runs no script with the server's origin.
 * Thread-safe: stateless.
 */
public final class DownloadHeaders {
  /** No script, no fetches, an opaque origin; an SVG's own styles may still draw it. */
  public static final String SANDBOX = "sandbox; default-src 'none'; style-src 'unsafe-inline'";

  private static final Pattern CONTENT_TYPE =
      Pattern.compile("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\\s*;[\\x20-\\x7e]*)?");

  private DownloadHeaders() {}

  /** The artifact's content type, if it is a well-formed one; else bytes. */
  public static String contentType(String stored) {
    return stored != null && CONTENT_TYPE.matcher(stored).matches() ? stored : ContentTypes.BINARY;
  }

  /** The name a download is saved under: a stored value's name says nothing of its format. */
  public static String fileName(Artifact artifact) {
    String name =
        artifact.name() == null || artifact.name().isBlank() ? "artifact" : artifact.name();
    String base = name.substring(name.lastIndexOf('/') + 1);
    if (artifact.kind() == Artifact.Kind.FILE || artifact.format() == null) {
      return base;
    }
    return base
        + switch (artifact.format()) {
          case "parquet" -> ".parquet";
          case "pickle" -> ".pkl";
          case "json" -> ".json";
          case "bytes" -> ".bin";
          default -> "";
        };
  }

  /** The header for {@code name}: its ASCII form quoted, and the whole name per RFC 6266/5987. */
  public static String disposition(boolean inline, String name) {
    String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
    String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    return (inline ? "inline" : "attachment")
        + "; filename=\""
        + ascii
        + "\"; filename*=UTF-8''"
        + encoded;
  }
}
