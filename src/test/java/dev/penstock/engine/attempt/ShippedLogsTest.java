package dev.penstock.engine.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.LogChunk;
import dev.penstock.store.LogStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading a log from the pieces a server shipped: the offsets and chunks a log file gives. */
class ShippedLogsTest {

  /** The pieces of one attempt's log, in memory, trimmed as the database trims them. */
  private static final class Pieces implements LogStore {
    final List<LogChunk> pieces = new ArrayList<>();

    void ship(String text) {
      long start = pieces.isEmpty() ? 0 : pieces.getLast().end();
      long end = start + text.getBytes(StandardCharsets.UTF_8).length;
      append("run", "step", 1, new LogChunk(text, start, end, end, 0), Long.MAX_VALUE);
    }

    @Override
    public void append(String run, String step, int attempt, LogChunk piece, long keepBytes) {
      pieces.add(piece);
      pieces.removeIf(kept -> kept.end() <= piece.end() - keepBytes);
    }

    @Override
    public Optional<Extent> extent(String step, int attempt) {
      return pieces.isEmpty()
          ? Optional.empty()
          : Optional.of(new Extent(pieces.getFirst().start(), pieces.getLast().end()));
    }

    @Override
    public List<LogChunk> pieces(String step, int attempt, long from, int limit) {
      return pieces.stream().filter(piece -> piece.end() > from).limit(limit).toList();
    }

    @Override
    public boolean enabled() {
      return true;
    }
  }

  private final Pieces store = new Pieces();
  private final ShippedLogs logs = new ShippedLogs(store);

  @Test
  void an_attempt_that_shipped_nothing_reads_as_empty() {
    assertThat(logs.read("step", 1, 0, 100)).isEqualTo(LogChunk.EMPTY);
  }

  @Test
  void chunks_that_follow_one_another_read_the_log_without_gaps_or_overlaps() {
    store.ship("first line\n");
    store.ship("second line\n");
    store.ship("third\n");
    var text = new StringBuilder();
    long from = 0;
    while (true) {
      LogChunk chunk = logs.read("step", 1, from, 5);
      if (chunk.end() == chunk.start()) {
        break;
      }
      assertThat(chunk.start()).isEqualTo(from);
      assertThat(chunk.end() - chunk.start()).isLessThanOrEqualTo(5);
      text.append(chunk.text());
      from = chunk.end();
    }
    assertThat(text.toString()).isEqualTo("first line\nsecond line\nthird\n");
    assertThat(logs.read("step", 1, 0, 0).size()).isEqualTo(29);
  }

  @Test
  void a_chunk_holds_whole_characters_only() {
    store.ship("é€x"); // 2 + 3 + 1 bytes
    LogChunk first = logs.read("step", 1, 0, 4); // the euro sign does not fit
    assertThat(first.text()).isEqualTo("é");
    assertThat(first.end()).isEqualTo(2);
    LogChunk inside = logs.read("step", 1, 3, 10); // starts inside the euro sign
    assertThat(inside.text()).isEqualTo("x");
    assertThat(inside.start()).isEqualTo(5);
  }

  @Test
  void the_tail_of_a_log_whose_head_was_dropped_starts_at_the_first_byte_kept() {
    store.append("run", "step", 1, new LogChunk("aaaa", 0, 4, 4, 0), 6);
    store.append("run", "step", 1, new LogChunk("bbbb", 4, 8, 8, 0), 6);
    store.append("run", "step", 1, new LogChunk("cccc", 8, 12, 12, 0), 6);
    LogChunk chunk = logs.read("step", 1, 0, 100);
    assertThat(chunk.text()).isEqualTo("bbbbcccc");
    assertThat(chunk.earliest()).isEqualTo(4);
    assertThat(chunk.hasEarlier()).isFalse();
    assertThat(chunk.size()).isEqualTo(12);
  }

  @Test
  void a_piece_whose_text_is_not_its_bytes_is_taken_whole() {
    // Bytes that were not UTF-8 decode to U+FFFD, three bytes for one.
    store.append("run", "step", 1, new LogChunk("a\uFFFDb", 0, 3, 3, 0), Long.MAX_VALUE);
    assertThat(logs.read("step", 1, 0, 2).text()).isEqualTo("a\uFFFDb");
    assertThat(logs.read("step", 1, 1, 100).text()).isEmpty();
  }
}
