package dev.penstock.store;

import java.util.function.Consumer;

/**
 * Tells every server on one database, at once, that a run was changed from outside its own engine
 * (a cancel, a reset, a skip sent to another server), so that the server running its steps acts now
 * rather than at its next sweep, which stays the safety net for a message lost. Thread-safe.
 */
public interface RunEvents extends AutoCloseable {

  /** Announces that run {@code pipelineVersionId} changed; committed changes only. */
  void announce(String pipelineVersionId);

  /**
   * Calls {@code listener} with each run announced by any server, this one included, on a thread of
   * its own, until closed. A broken connection is made again; what was announced meanwhile is lost
   * (the sweep finds it).
   */
  void listen(Consumer<String> listener);

  @Override
  void close();

  /** For a database only one server uses: its own engine heard every change already. */
  RunEvents NONE =
      new RunEvents() {
        @Override
        public void announce(String pipelineVersionId) {}

        @Override
        public void listen(Consumer<String> listener) {}

        @Override
        public void close() {}
      };
}
