package dev.penstock.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * A step's input or output value as a page shows it: a preview cut after a few hundred characters,
 * written without serialising the rest (a value can be many megabytes), or the whole value
 * indented. Thread-safe.
 */
public final class ValueText {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ValueText() {}

  /** What a preview of at most {@code limit} characters shows, and whether it was cut. */
  public record Preview(String text, boolean cut) {}

  /** The value as compact JSON, cut after {@code limit} characters; "null" for none. */
  public static Preview preview(JsonNode value, int limit) {
    var out = new BoundedWriter(limit);
    try {
      JSON.writeValue(out, value);
    } catch (IOException e) {
      if (!out.full) {
        throw new UncheckedIOException(e);
      }
    }
    return new Preview(out.text(), out.full);
  }

  /** The whole value as indented JSON. */
  public static String full(JsonNode value) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether two values are the same JSON (numbers compared by value: 1 and 1.0 are equal). */
  public static boolean same(JsonNode left, JsonNode right) {
    if (left == null || right == null) {
      return isNull(left) && isNull(right);
    }
    return left.equals(
        (a, b) -> a.isNumber() && b.isNumber() ? numbers(a, b) : a.equals(b) ? 0 : 1, right);
  }

  private static int numbers(JsonNode a, JsonNode b) {
    return a.decimalValue().compareTo(b.decimalValue());
  }

  private static boolean isNull(JsonNode value) {
    return value == null || value.isNull() || value.isMissingNode();
  }

  /** Stops the serialiser, once the preview is full, by throwing. */
  private static final class Full extends IOException {
    Full() {
      super("preview full");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // thrown once per long value: its stack would be wasted work
    }
  }

  private static final class BoundedWriter extends Writer {
    private final StringBuilder text = new StringBuilder();
    private final int limit;
    private boolean full;

    BoundedWriter(int limit) {
      this.limit = limit;
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
      int room = limit - text.length();
      text.append(chars, offset, Math.min(room, length));
      if (length > room) {
        full = true;
        throw new Full();
      }
    }

    String text() {
      return text.toString();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
