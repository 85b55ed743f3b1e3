package dev.penstock.executor.local;

import dev.penstock.executor.python.BuildLog;
import dev.penstock.model.LogChunk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An attempt's log file kept within {@code cap} bytes on disk. Writes append to the file; once it
 * holds {@code cap / 2} bytes it becomes {@code <name>.1} (replacing the older one) and a new file
 * starts. {@code <name>.dropped} records how many bytes were thrown away and whether {@code .1}
 * starts in the middle of a line, so that {@link #read(Path, long)} can say so even after a
 * restart. Thread-safe: writes and reads take one lock, so a read never sees half a rotation.
 */
public final class CappedLog implements AutoCloseable, BuildLog {
  private static final int LINE_SEARCH_LIMIT = 4096;
  private static final String MID_LINE = "mid-line";

  private final Path file;
  private final long half;
  private final ReentrantLock lock = new ReentrantLock();
  private OutputStream out;
  private long size;
  private long dropped;
  private boolean lastByteEndedLine = true;
  private boolean fileStartsLine = true;

  private CappedLog(Path file, long cap) throws IOException {
    this.file = file;
    this.half = Math.max(1, cap / 2);
    this.size = Files.exists(file) ? Files.size(file) : 0; // keeps what the engine wrote first
    this.dropped = Dropped.read(file).bytes();
    this.out = append(file);
  }

  /** Opens {@code file} for appending, creating it and its directory when missing. */
  public static CappedLog open(Path file, long cap) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    return new CappedLog(file, cap);
  }

  /**
   * Appends bytes. A write that would take the file past {@code cap / 2} fills it up to its last
   * line break within the limit, then rotates and goes on in a new file, so that files start at the
   * beginning of a line unless a line is longer than the room left.
   */
  public void write(byte[] bytes, int offset, int length) throws IOException {
    lock.lock();
    try {
      while (length > 0) {
        long room = Math.max(0, half - size);
        int chunk = length <= room ? length : upToLastLineBreak(bytes, offset, (int) room);
        if (chunk > 0) {
          out.write(bytes, offset, chunk);
          size += chunk;
          lastByteEndedLine = bytes[offset + chunk - 1] == '\n';
          offset += chunk;
          length -= chunk;
        }
        if (length > 0) {
          rotate();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private int upToLastLineBreak(byte[] bytes, int offset, int room) {
    for (int i = offset + room - 1; i >= offset; i--) {
      if (bytes[i] == '\n') {
        return i + 1 - offset;
      }
    }
    // A line that does not fit starts the next file, unless this one is empty: it would not fit
    // there either.
    return lastByteEndedLine && size > 0 ? 0 : room;
  }

  /** Appends one line of text, for the executor's own notes. */
  public void writeLine(String line) throws IOException {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    write(bytes, 0, bytes.length);
  }

  /** Appends a line unless the log itself fails, which must not hide what the line reports. */
  @Override
  public void line(String text) {
    try {
      writeLine(text);
    } catch (IOException e) {
      // the step's outcome still says what failed
    }
  }

  /** The log as kept, like {@link #read(Path, long)}, consistent with concurrent writes. */
  public String read(long cap) {
    lock.lock();
    try {
      return read(file, cap);
    } finally {
      lock.unlock();
    }
  }

  /** A range of the log, like {@link LogRange#read}, consistent with concurrent writes. */
  public LogChunk read(long from, int maxBytes) throws IOException {
    lock.lock();
    try {
      return LogRange.read(file, from, maxBytes);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      out.close();
    } finally {
      lock.unlock();
    }
  }

  private void rotate() throws IOException {
    out.close();
    Path previous = previousOf(file);
    if (Files.exists(previous)) {
      dropped += Files.size(previous);
    }
    Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    new Dropped(dropped, !fileStartsLine).write(file);
    fileStartsLine = lastByteEndedLine;
    out = append(file);
    size = 0;
  }

  /**
   * Reads the log of {@code file} as kept: the rotated part and the current file, at most the last
   * {@code cap} bytes, after a marker line when anything was dropped. "" when there is no log.
   */
  public static String read(Path file, long cap) {
    try {
      byte[] older = readIfExists(previousOf(file));
      byte[] newer = readIfExists(file);
      Dropped dropped = Dropped.read(file);
      byte[] all = new byte[older.length + newer.length];
      System.arraycopy(older, 0, all, 0, older.length);
      System.arraycopy(newer, 0, all, older.length, newer.length);
      int start = (int) Math.max(0, all.length - cap);
      if (dropped.bytes() + start == 0) {
        return new String(all, StandardCharsets.UTF_8);
      }
      if (start > 0 || dropped.midLine()) {
        start = startOfLine(all, start);
      }
      int shown = all.length - start;
      return "[penstock: %d earlier bytes of log were dropped; showing the last %d]\n"
              .formatted(dropped.bytes() + start, shown)
          + new String(all, start, shown, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return "[penstock: the log cannot be read: " + e.getMessage() + "]\n";
    }
  }

  /** Moves a cut to the next line start nearby, or at least off the middle of a UTF-8 char. */
  private static int startOfLine(byte[] bytes, int cut) {
    if (cut > 0 && bytes[cut - 1] == '\n') {
      return cut;
    }
    // Not past the last line break: a partial line beats an empty tail.
    int limit = Math.min(bytes.length - 1, cut + LINE_SEARCH_LIMIT);
    for (int i = cut; i < limit; i++) {
      if (bytes[i] == '\n') {
        return i + 1;
      }
    }
    while (cut < bytes.length && (bytes[cut] & 0xC0) == 0x80) {
      cut++;
    }
    return cut;
  }

  /** What {@code <name>.dropped} says: bytes dropped, and whether {@code .1} starts mid-line. */
  private record Dropped(long bytes, boolean midLine) {
    static Dropped read(Path file) throws IOException {
      String[] words =
          new String(readIfExists(droppedOf(file)), StandardCharsets.US_ASCII).trim().split(" ");
      return words[0].isEmpty()
          ? new Dropped(0, false)
          : new Dropped(Long.parseLong(words[0]), words.length > 1 && words[1].equals(MID_LINE));
    }

    void write(Path file) throws IOException {
      Path target = droppedOf(file);
      Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
      Files.writeString(temporary, bytes + (midLine ? " " + MID_LINE : "") + "\n");
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static OutputStream append(Path file) throws IOException {
    return Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  /** How many bytes of the log were rotated away, which is where {@code .1} starts. */
  static long droppedBytes(Path file) throws IOException {
    return Dropped.read(file).bytes();
  }

  static Path previousOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".1");
  }

  private static Path droppedOf(Path file) {
    return file.resolveSibling(file.getFileName() + ".dropped");
  }

  private static byte[] readIfExists(Path path) throws IOException {
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return new byte[0];
    }
  }
}
