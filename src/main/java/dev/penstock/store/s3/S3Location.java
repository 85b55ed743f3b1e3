package dev.penstock.store.s3;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A bucket and a key prefix, written {@code s3://bucket/prefix}: the prefix is empty or ends with a
 * slash.
 */
public record S3Location(String bucket, String prefix) {

  /** The location {@code text} names; IllegalArgumentException, saying why, when it names none. */
  public static S3Location parse(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URI: " + e.getMessage());
    }
    if (!"s3".equals(uri.getScheme()) || uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException("expected s3://bucket or s3://bucket/prefix");
    }
    String prefix = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+", "");
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      prefix += "/";
    }
    return new S3Location(uri.getHost(), prefix);
  }

  /** The s3:// URI of {@code key} in this bucket. */
  String uri(String key) {
    return "s3://" + bucket + "/" + (key.startsWith(prefix) ? key : prefix + key);
  }
}
