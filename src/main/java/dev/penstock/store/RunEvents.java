package dev.penstock.store;

import java.util.function.Consumer;

/**
 * Tells every other server on one database, at once, what changed in the runs, so that they act now
 * rather than at their next sweep, which stays the safety net for a message lost. The server that
 * made a change acted on it already; the others learn what their cached view of the run lacks, and
 * whether the run has steps ready that its planner had no slot for. Thread-safe.
 */
public interface RunEvents extends AutoCloseable {

  /** What another server announced. */
  record Change(Kind kind, String pipelineVersionId, String stepVersionId) {}

  enum Kind {
    /** The run changed as a whole (cancelled, reset, skipped, ended): read it again. */
    RUN,
    /** One step ended, was skipped or went back to PENDING: read that step again when planning. */
    STEP,
    /**
     * The run has steps ready to start that its server had no slot for: plan it if you have one.
     */
    READY
  }

  /** Announces that run {@code pipelineVersionId} changed as a whole; committed changes only. */
  void announce(String pipelineVersionId);

  /** Announces that one step of the run changed; committed changes only. */
  void announceStep(String pipelineVersionId, String stepVersionId);

  /** Announces that the run has steps ready to start that this server has no slot for. */
  void announceReady(String pipelineVersionId);

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
        public void announceReady(String pipelineVersionId) {}

        @Override
        public void listen(Consumer<Change> listener) {}

        @Override
        public void close() {}
      };
}
