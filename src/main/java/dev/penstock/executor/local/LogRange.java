package dev.penstock.executor.local;

import dev.penstock.model.LogChunk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a range of a {@link CappedLog} without reading the rest: the rotated part {@code .1} holds
 * the offsets {@code [dropped, dropped + its size)} and the current file the ones after, which is
 * what {@code .dropped} counting every rotated-away byte makes true. Stateless; the caller keeps
 * the files from rotating during a read (CappedLog's lock, or a log no longer written).
 */
public final class LogRange {
  private LogRange() {}

  public static LogChunk read(Path file, long from, int maxBytes) throws IOException {
    try (FileChannel older = openIfExists(CappedLog.previousOf(file));
        FileChannel newer = openIfExists(file)) {
      if (older == null && newer == null) {
        return LogChunk.EMPTY;
      }
      long earliest = CappedLog.droppedBytes(file);
      long olderSize = older == null ? 0 : older.size();
      long size = earliest + olderSize + (newer == null ? 0 : newer.size());
      long start = Math.clamp(from, earliest, size);
      // Up to 3 bytes each side beyond the range, to find where its characters begin and end.
      long readFrom = Math.max(earliest, start - 3);
      long readTo = Math.min(size, start + Math.max(0, maxBytes) + 3);
      byte[] bytes = new byte[(int) (readTo - readFrom)];
      int olderPart = (int) Math.clamp(earliest + olderSize - readFrom, 0, bytes.length);
      fill(older, readFrom - earliest, bytes, 0, olderPart);
      fill(newer, Math.max(0, readFrom - earliest - olderSize), bytes, olderPart, bytes.length);

      int first = (int) (start - readFrom);
      while (first < bytes.length && first < start - readFrom + 3 && continuation(bytes[first])) {
        first++;
      }
      int last = (int) Math.min(bytes.length, Math.max(first, start - readFrom + maxBytes));
      last = endOfWholeCharacters(bytes, first, last, readTo == size);
      return new LogChunk(
          new String(bytes, first, last - first, StandardCharsets.UTF_8),
          readFrom + first,
          readFrom + last,
          size,
          earliest);
    }
  }

  /**
   * Moves {@code end} back before a character it would cut: one whose lead byte lies within the
   * last three bytes of the range and whose bytes go on past it. At the log's end a character may
   * be half written, so it is left for a later read the same way.
   */
  private static int endOfWholeCharacters(byte[] bytes, int first, int end, boolean atLogEnd) {
    for (int lead = end - 1; lead >= Math.max(first, end - 3); lead--) {
      int length = sequenceLength(bytes[lead]);
      if (length == 0) {
        continue; // a continuation byte: its lead is further back
      }
      boolean cut = lead + length > end && (lead + length <= bytes.length || atLogEnd);
      return cut ? lead : end;
    }
    return end;
  }

  /** The bytes a UTF-8 sequence starting with {@code lead} takes; 0 for a continuation byte. */
  private static int sequenceLength(byte lead) {
    int unsigned = lead & 0xFF;
    if (unsigned < 0x80) {
      return 1;
    }
    if (unsigned < 0xC0) {
      return 0;
    }
    return unsigned < 0xE0 ? 2 : unsigned < 0xF0 ? 3 : 4;
  }

  private static boolean continuation(byte value) {
    return (value & 0xC0) == 0x80;
  }

  private static void fill(FileChannel channel, long position, byte[] bytes, int from, int to)
      throws IOException {
    if (channel == null || to <= from) {
      return;
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes, from, to - from);
    while (buffer.hasRemaining()) {
      int read = channel.read(buffer, position + buffer.position() - from);
      if (read < 0) {
        throw new IOException("the log ended while it was read: " + channel);
      }
    }
  }

  private static FileChannel openIfExists(Path path) throws IOException {
    try {
      return FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
