package dev.penstock.store.jdbc;

import dev.penstock.store.StatusChange;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The SQL of the status_history table. Appends run in the caller's transaction, so a status change
 * and its history row commit together. Stateless and thread-safe.
 */
final class StatusHistory {
  static final String INSERT =
      """
      INSERT INTO status_history (step_version, pipeline_version, attempt, status, reason, at)
      VALUES (:stepVersionId, :pipelineVersionId, :attempt, :status, :reason, :at)
      """;
  private static final String SELECT_OF_STEP =
      """
      SELECT attempt, status, reason, at FROM status_history
       WHERE step_version = :stepVersionId
       ORDER BY id
      """;

  private StatusHistory() {}

  static void appendStep(
      Handle handle,
      String stepVersionId,
      String pipelineVersionId,
      int attempt,
      Enum<?> status,
      String reason,
      Instant at) {
    handle
        .createUpdate(INSERT)
        .bind("stepVersionId", stepVersionId)
        .bind("pipelineVersionId", pipelineVersionId)
        .bind("attempt", attempt)
        .bind("status", status.name())
        .bind("reason", reason)
        .bind("at", at.toEpochMilli())
        .execute();
  }

  /** A change of the run itself: no step version, attempt 0. */
  static void appendVersion(
      Handle handle, String pipelineVersionId, Enum<?> status, String reason, Instant at) {
    appendStep(handle, null, pipelineVersionId, 0, status, reason, at);
  }

  static List<StatusChange> ofStep(Handle handle, String stepVersionId) {
    return handle
        .createQuery(SELECT_OF_STEP)
        .bind("stepVersionId", stepVersionId)
        .map((row, context) -> RunRows.statusChange(row))
        .list();
  }
}
