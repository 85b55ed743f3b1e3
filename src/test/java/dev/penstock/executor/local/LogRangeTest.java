package dev.penstock.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.LogChunk;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ranges of a capped log, read by byte offset without reading the rest of it. */
class LogRangeTest {
  private static final int CAP = 1 << 20;

  @TempDir Path root;

  @Test
  void a_range_reads_the_bytes_between_its_offsets_and_reports_the_log_size() throws Exception {
    Path file = root.resolve("log.txt");
    try (var log = CappedLog.open(file, CAP)) {
      log.writeLine("first");
      log.writeLine("second");

      LogChunk middle = log.read(3, 6);

      assertThat(middle).isEqualTo(new LogChunk("st\nsec", 3, 9, 13, 0));
      assertThat(log.read(9, 100)).isEqualTo(new LogChunk("ond\n", 9, 13, 13, 0));
      assertThat(log.read(-5, 2).text()).isEqualTo("fi");
      assertThat(log.read(50, 10)).isEqualTo(new LogChunk("", 13, 13, 13, 0));
    }
  }

  @Test
  void a_log_that_does_not_exist_reads_empty() throws Exception {
    assertThat(LogRange.read(root.resolve("nothing/log.txt"), 0, 100)).isEqualTo(LogChunk.EMPTY);
    try (var executor = new LocalProcessExecutor(ExecutorMode.FRESH_PROCESS.settings(root))) {
      assertThat(executor.readLog(root.resolve("none.txt"), 10, 100)).isEqualTo(LogChunk.EMPTY);
    }
  }

  @Test
  void chunks_never_cut_a_character_and_together_rebuild_the_text() throws Exception {
    Path file = root.resolve("log.txt");
    String text = "añb€c😀d\n".repeat(20); // characters of 1, 2, 3 and 4 bytes
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try (var log = CappedLog.open(file, CAP)) {
      log.write(bytes, 0, bytes.length);
    }

    for (int size = 4; size <= 9; size++) {
      var pieces = new StringBuilder();
      long offset = 0;
      while (offset < bytes.length) {
        LogChunk chunk = LogRange.read(file, offset, size);
        assertThat(chunk.start()).isEqualTo(offset);
        assertThat(chunk.end() - chunk.start()).isPositive().isLessThanOrEqualTo(size);
        assertThat(chunk.text()).doesNotContain("\uFFFD");
        pieces.append(chunk.text());
        offset = chunk.end();
      }
      assertThat(pieces.toString()).as("chunks of %d bytes", size).isEqualTo(text);
    }
    // "ñ" is bytes 1-2: a start at its second byte moves on to "b", an end after its first moves
    // back before it.
    assertThat(LogRange.read(file, 2, 3))
        .extracting(LogChunk::text, LogChunk::start)
        .containsExactly("b", 3L);
    assertThat(LogRange.read(file, 0, 2).text()).isEqualTo("a");
  }

  @Test
  void a_character_half_written_at_the_end_waits_for_its_last_bytes() throws Exception {
    Path file = root.resolve("log.txt");
    byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
    try (var log = CappedLog.open(file, CAP)) {
      log.write("ab".getBytes(StandardCharsets.UTF_8), 0, 2);
      log.write(euro, 0, 2);

      LogChunk before = log.read(0, 100);
      log.write(euro, 2, 1);
      LogChunk after = log.read(before.end(), 100);

      assertThat(before).isEqualTo(new LogChunk("ab", 0, 2, 4, 0));
      assertThat(after).isEqualTo(new LogChunk("€", 2, 5, 5, 0));
    }
  }

  @Test
  void a_growing_log_is_followed_from_where_the_last_chunk_ended() throws Exception {
    Path file = root.resolve("log.txt");
    List<String> seen = new ArrayList<>();
    try (var log = CappedLog.open(file, CAP)) {
      long offset = 0;
      for (int line = 0; line < 5; line++) {
        log.writeLine("line " + line);
        LogChunk chunk = log.read(offset, 1024);
        seen.add(chunk.text());
        offset = chunk.end();
        assertThat(chunk.size()).isEqualTo(offset);
      }
      assertThat(log.read(offset, 1024).text()).isEmpty();
    }

    assertThat(seen).containsExactly("line 0\n", "line 1\n", "line 2\n", "line 3\n", "line 4\n");
  }

  @Test
  void offsets_of_a_rotated_log_count_the_dropped_bytes_and_reads_span_both_files()
      throws Exception {
    Path file = root.resolve("log.txt");
    try (var log = CappedLog.open(file, 40)) {
      for (int i = 0; i < 10; i++) {
        log.writeLine("line " + i + " ....."); // 13 bytes a line, one line a 20-byte file
      }
    }

    // 130 bytes written; the last two lines are kept: .1 holds line 8, the file line 9.
    LogChunk whole = LogRange.read(file, 0, 1000);
    assertThat(whole).isEqualTo(new LogChunk("line 8 .....\nline 9 .....\n", 104, 130, 130, 104));
    assertThat(whole.hasEarlier()).isFalse();
    LogChunk across = LogRange.read(file, 110, 10);
    assertThat(across).isEqualTo(new LogChunk(" .....\nlin", 110, 120, 130, 104));
    assertThat(across.hasEarlier()).isTrue();
  }
}
