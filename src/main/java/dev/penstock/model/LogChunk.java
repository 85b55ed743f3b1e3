package dev.penstock.model;

/**
 * A range of an attempt's log. Offsets count every byte ever written to the log, those the size cap
 * dropped included, so an offset names the same byte for as long as the log is kept, however it
 * grows: {@code text} decodes the bytes {@code [start, end)}; {@code size} is the log's length when
 * it was read (the offset after its last byte); {@code earliest} is the offset of the first byte
 * still kept (greater than 0 once the cap dropped the beginning).
 */
public record LogChunk(String text, long start, long end, long size, long earliest) {

  /** A log with nothing in it (or no log at all). */
  public static final LogChunk EMPTY = new LogChunk("", 0, 0, 0, 0);

  /** Whether bytes were kept before this chunk's start. */
  public boolean hasEarlier() {
    return start > earliest;
  }
}
