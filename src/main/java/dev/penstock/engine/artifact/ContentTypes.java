package dev.penstock.engine.artifact;

import java.net.URLConnection;
import java.util.Locale;
import java.util.Map;

/** The content type a browser needs for a file a step wrote, from its name. Thread-safe. */
final class ContentTypes {
  static final String BINARY = "application/octet-stream";

  // What data pipelines write most; the JDK's own table knows images and little else.
  private static final Map<String, String> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("csv", "text/csv"),
          Map.entry("tsv", "text/tab-separated-values"),
          Map.entry("txt", "text/plain"),
          Map.entry("log", "text/plain"),
          Map.entry("md", "text/markdown"),
          Map.entry("json", "application/json"),
          Map.entry("jsonl", "application/x-ndjson"),
          Map.entry("html", "text/html"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("webp", "image/webp"),
          Map.entry("pdf", "application/pdf"),
          Map.entry("parquet", "application/vnd.apache.parquet"),
          Map.entry("pkl", "application/x-python-pickle"),
          Map.entry("pickle", "application/x-python-pickle"),
          Map.entry("zip", "application/zip"),
          Map.entry("gz", "application/gzip"));

  private ContentTypes() {}

  static String of(String fileName) {
    int dot = fileName.lastIndexOf('.');
    String extension = dot < 0 ? "" : fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    String known = BY_EXTENSION.get(extension);
    if (known != null) {
      return known;
    }
    String guessed = URLConnection.guessContentTypeFromName(fileName);
    return guessed == null ? BINARY : guessed;
  }
}
