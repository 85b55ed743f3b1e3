package dev.penstock.engine.attempt;

import dev.penstock.model.LogChunk;
import dev.penstock.store.LogStore;
import java.nio.charset.StandardCharsets;

/**
 * Reads an attempt's log from the pieces another server shipped to the {@link LogStore}, with the
 * offsets and the whole-character chunks a log file gives (see {@link
 * dev.penstock.executor.StepExecutor#readLog(java.nio.file.Path, long, int)}). Thread-safe.
 */
final class ShippedLogs {
  private static final int PIECES_PER_READ = 64;

  private final LogStore store;

  ShippedLogs(LogStore store) {
    this.store = store;
  }

  /** At most {@code maxBytes} bytes of the attempt's log from offset {@code from}. */
  LogChunk read(String stepVersionId, int attempt, long from, int maxBytes) {
    var extent = store.extent(stepVersionId, attempt).orElse(null);
    if (extent == null) {
      return LogChunk.EMPTY;
    }
    long cursor = Math.min(Math.max(from, extent.earliest()), extent.size());
    long limit = cursor + maxBytes;
    long start = -1;
    var text = new StringBuilder();
    reading:
    while (cursor < extent.size() && cursor < limit) {
      var pieces = store.pieces(stepVersionId, attempt, cursor, PIECES_PER_READ);
      if (pieces.isEmpty()) {
        break;
      }
      for (LogChunk piece : pieces) {
        if (piece.start() > cursor) {
          if (start >= 0) {
            break reading; // dropped by the cap while we read: stop before the gap
          }
          cursor = piece.start();
          limit = cursor + maxBytes;
        }
        LogChunk part = slice(piece, cursor, limit, start < 0);
        if (part.end() <= part.start()) {
          break reading;
        }
        if (start < 0) {
          start = part.start();
        }
        text.append(part.text());
        cursor = part.end();
        if (cursor >= limit) {
          break reading;
        }
      }
    }
    return new LogChunk(
        text.toString(), start < 0 ? cursor : start, cursor, extent.size(), extent.earliest());
  }

  /**
   * The part of {@code piece} between offsets {@code from} and {@code to}, cut at whole characters.
   * A piece whose text does not map byte for byte onto its offsets (its log held bytes that were
   * not UTF-8) is taken whole when it starts at or after {@code from} and fits, or is the {@code
   * first} of a chunk, and not at all otherwise.
   */
  static LogChunk slice(LogChunk piece, long from, long to, boolean first) {
    byte[] bytes = piece.text().getBytes(StandardCharsets.UTF_8);
    if (bytes.length != piece.end() - piece.start()) {
      boolean whole = piece.start() >= from && (piece.end() <= to || first);
      return whole ? piece : new LogChunk("", from, from, 0, 0);
    }
    int begin = (int) (Math.max(from, piece.start()) - piece.start());
    while (begin < bytes.length && continuation(bytes[begin])) {
      begin++;
    }
    int end = (int) (Math.min(to, piece.end()) - piece.start());
    while (end > begin && end < bytes.length && continuation(bytes[end])) {
      end--;
    }
    end = Math.max(begin, end);
    return new LogChunk(
        new String(bytes, begin, end - begin, StandardCharsets.UTF_8),
        piece.start() + begin,
        piece.start() + end,
        0,
        0);
  }

  private static boolean continuation(byte b) {
    return (b & 0xC0) == 0x80;
  }
}
