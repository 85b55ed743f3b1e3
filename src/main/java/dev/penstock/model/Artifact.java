package dev.penstock.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * Something a step produced that travels by reference rather than as JSON: the value of an output
 * (a table, bytes, a file, a large JSON value, a pickled object) or a file the step wrote into its
 * outputs folder ({@code outputName} null). {@code path} is relative to the run's directory; {@code
 * preview} is a small JSON summary for people (a table's columns and first rows), or null.
 */
public record Artifact(
    String id,
    String pipelineVersionId,
    String stepVersionId,
    int attempt,
    String outputName,
    String name,
    Kind kind,
    String format,
    String contentType,
    long size,
    String path,
    JsonNode preview,
    Instant createdAt) {

  /** What the artifact holds, which decides the Python type a consuming step receives. */
  public enum Kind {
    /** A DataFrame: Parquet when the step's Python has pyarrow, a pickle otherwise. */
    TABLE,
    /** Python bytes, stored raw. */
    BYTES,
    /** A file: a consuming step receives a path it can open. */
    FILE,
    /** A JSON value too large to travel inline. */
    JSON,
    /** Any other Python object, pickled. */
    OBJECT
  }
}
