package dev.penstock.store;

import java.util.function.Consumer;

/**
 * Tells every other server on one database, at once, what changed in the runs: a run accepted,
 * cancelled, reset or ended, a step that ended or went back to PENDING. The server that made the
 * change acted on it already; the others plan the run again from what changed (and stop the steps
 * they run that the change superseded), rather than at their next sweep, which stays the safety net
 * for a message lost. Thread-safe.
 */
public interface RunEvents extends AutoCloseable {

  /**
   * A change another server announced: the run as a whole when {@code stepVersionId} is null (read
   * it again), or one step of it (read that step again).
   */
  record Change(String pipelineVersionId, String stepVersionId) {
    public boolean wholeRun() {
      return stepVersionId == null;
    }
  }

  /** Announces that run {@code pipelineVersionId} changed as a whole; committed changes only. */
  void announce(String pipelineVersionId);

  /** Announces that one step of the run changed; committed changes only. */
  void announceStep(String pipelineVersionId, String stepVersionId);

  /**
   * Calls {@code listener} with each change announced by any other server, on a thread of its own,
   * until closed. A broken connection is made again; what was announced meanwhile is lost (the
   * sweep finds it).
   */
  void listen(Consumer<Change> listener);

  @Override
  void close();

  /** For a database only one server uses: its own engine heard every change already. */
  RunEvents NONE =
      new RunEvents() {
        @Override
        public void announce(String pipelineVersionId) {}

        @Override
        public void announceStep(String pipelineVersionId, String stepVersionId) {}

        @Override
        public void listen(Consumer<Change> listener) {}

        @Override
        public void close() {}
      };
}
