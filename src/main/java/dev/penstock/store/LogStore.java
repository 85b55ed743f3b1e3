package dev.penstock.store;

import dev.penstock.model.LogChunk;
import java.util.List;
import java.util.Optional;

/**
 * Step logs kept in the database, where servers share it: the server running an attempt ships its
 * log in pieces, so that any server can show it, also once the one that ran it is gone. A piece is
 * a {@link LogChunk} of the attempt's log as its file had it. Thread-safe.
 */
public interface LogStore {

  /** The first offset kept and the size of an attempt's log as shipped. */
  record Extent(long earliest, long size) {}

  /**
   * Adds a piece of attempt {@code attempt}'s log (a piece already there is left as it is), then
   * drops the pieces that end {@code keepBytes} or more before the piece's end.
   */
  void append(
      String pipelineVersionId, String stepVersionId, int attempt, LogChunk piece, long keepBytes);

  /** What was shipped of the attempt's log; empty when nothing was. */
  Optional<Extent> extent(String stepVersionId, int attempt);

  /**
   * The pieces of the attempt's log that end after {@code from}, in order, at most {@code limit}.
   */
  List<LogChunk> pieces(String stepVersionId, int attempt, long from, int limit);

  /** Whether logs are shipped at all: only where servers share the database. */
  boolean enabled();

  /** For a database only one server uses: every log stays in the data directory. */
  LogStore NONE =
      new LogStore() {
        @Override
        public void append(
            String pipelineVersionId,
            String stepVersionId,
            int attempt,
            LogChunk piece,
            long keepBytes) {}

        @Override
        public Optional<Extent> extent(String stepVersionId, int attempt) {
          return Optional.empty();
        }

        @Override
        public List<LogChunk> pieces(String stepVersionId, int attempt, long from, int limit) {
          return List.of();
        }

        @Override
        public boolean enabled() {
          return false;
        }
      };
}
