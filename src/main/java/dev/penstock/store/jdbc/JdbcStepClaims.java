package dev.penstock.store.jdbc;

import dev.penstock.model.FailureCause;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepProgress;
import dev.penstock.model.StepStatus;
import dev.penstock.store.RunningAttempt;
import dev.penstock.store.StepCompletion;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The guarded state changes of runs and step versions. Each is one short transaction: an UPDATE
 * whose WHERE names the state it expects (zero rows means another thread or node got there first,
 * or the attempt was superseded, and nothing is written), then the history rows. {@code RETURNING}
 * hands back the run id and the step's progress, so the hot path needs no extra read. Thread-safe.
 */
final class JdbcStepClaims {
  private static final String CLAIM =
      """
      UPDATE step_version
         SET status = 'RUNNING', attempt = attempt + 1, claimed_by = :nodeId,
             bound_inputs = :boundInputs, started_at = :now, updated_at = :now,
             completed_at = NULL, error = NULL, output_errors = NULL, output_values = NULL,
             failure_cause = NULL, not_before = NULL
       WHERE id = :id AND status = 'PENDING' AND attempt = :attempt%s
      RETURNING pipeline_version, %s
      """;
  // Where servers share the database, one that finds another claiming the step moves on at once
  // instead of waiting for that claim to commit only to find the step taken.
  private static final String SKIP_IF_LOCKED =
      "\n   AND id IN (SELECT id FROM step_version WHERE id = :id FOR UPDATE SKIP LOCKED)";
  private static final String START_VERSION =
      """
      UPDATE pipeline_version SET status = 'RUNNING', started_at = :now, updated_at = :now
       WHERE id = :id AND status = 'PENDING'
      """;
  private static final String COMPLETE =
      """
      UPDATE step_version
         SET status = :status, output_values = :outputValues, output_errors = :outputErrors,
             error = :error, failure_cause = :cause, completed_at = :at, updated_at = :at
       WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt
      RETURNING pipeline_version, %s
      """
          .formatted(RunRows.PROGRESS_COLUMNS_BUT_OUTPUTS);
  private static final String SKIP =
      """
      UPDATE step_version SET status = 'SKIPPED', error = :error, updated_at = :now
       WHERE id = :id AND status = 'PENDING'
      RETURNING pipeline_version, attempt
      """;
  private static final String REQUEUE =
      """
      UPDATE step_version SET status = 'PENDING', not_before = :notBefore, updated_at = :now
       WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt
      RETURNING pipeline_version
      """;
  private static final String ADOPT =
      """
      UPDATE step_version SET claimed_by = :toNode, updated_at = :now
       WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt AND claimed_by = :fromNode
      """;
  private static final String RUNNING_CLAIMED_BY =
      """
      SELECT id, pipeline_version, attempt, claimed_by FROM step_version
       WHERE status = 'RUNNING' AND claimed_by = :nodeId
      """;
  private static final String FINISH_VERSION =
      """
      UPDATE pipeline_version
         SET status = :status, error = :error, completed_at = :now, updated_at = :now
       WHERE id = :id AND status IN ('PENDING', 'RUNNING')
      """;

  private final Database database;
  private final String claim;

  JdbcStepClaims(Database database) {
    this.database = database;
    this.claim =
        CLAIM.formatted(
            database.dialect().supportsSkipLocked() ? SKIP_IF_LOCKED : "",
            RunRows.PROGRESS_COLUMNS);
  }

  Optional<StepProgress> claim(
      String stepVersionId,
      int expectedAttempt,
      String nodeId,
      List<InputMapping> boundInputs,
      Instant now) {
    return database.inTransaction(
        handle -> {
          Optional<Changed> changed =
              handle
                  .createQuery(claim)
                  .bind("id", stepVersionId)
                  .bind("attempt", expectedAttempt)
                  .bind("nodeId", nodeId)
                  .bind("boundInputs", JsonColumns.write(boundInputs))
                  .bind("now", now.toEpochMilli())
                  .map((row, context) -> Changed.of(row))
                  .findOne();
          if (changed.isEmpty()) {
            return Optional.empty();
          }
          String versionId = changed.get().pipelineVersionId();
          StatusHistory.appendStep(
              handle,
              stepVersionId,
              versionId,
              expectedAttempt + 1,
              StepStatus.RUNNING,
              "claimed by " + nodeId,
              now);
          // Every claim tries this; only the first one of a run finds it PENDING.
          int started =
              handle
                  .createUpdate(START_VERSION)
                  .bind("id", versionId)
                  .bind("now", now.toEpochMilli())
                  .execute();
          if (started > 0) {
            StatusHistory.appendVersion(handle, versionId, RunStatus.RUNNING, null, now);
          }
          return Optional.of(changed.get().progress());
        });
  }

  Optional<StepProgress> complete(StepCompletion completion) {
    if (!completion.status().terminal()) {
      throw new IllegalArgumentException(
          "A completion needs a terminal status, not " + completion.status());
    }
    return database.inTransaction(
        handle -> {
          Optional<Changed> changed =
              handle
                  .createQuery(COMPLETE)
                  .bind("id", completion.stepVersionId())
                  .bind("attempt", completion.attempt())
                  .bind("status", completion.status().name())
                  .bind("outputValues", JsonColumns.write(completion.outputs()))
                  .bind("outputErrors", completion.outputErrors())
                  .bind("error", completion.error())
                  .bind("cause", Columns.name(completion.cause()))
                  .bind("at", completion.at().toEpochMilli())
                  // The outputs it has just written, not parsed back: they can be megabytes.
                  .map((row, context) -> Changed.of(row, completion.outputs()))
                  .findOne();
          changed.ifPresent(
              step -> {
                StatusHistory.appendStep(
                    handle,
                    completion.stepVersionId(),
                    step.pipelineVersionId(),
                    completion.attempt(),
                    completion.status(),
                    completion.error(),
                    completion.at());
                StepAttempts.record(
                    handle,
                    completion.stepVersionId(),
                    completion.attempt(),
                    completion.status().name(),
                    completion.cause(),
                    completion.error(),
                    completion.outputErrors(),
                    completion.outputs(),
                    completion.at(),
                    null);
                ArtifactRows.insert(handle, completion.artifacts());
              });
          return changed.map(Changed::progress);
        });
  }

  boolean skip(String stepVersionId, String error, Instant now) {
    return database.inTransaction(
        handle -> {
          Optional<Skipped> skipped =
              handle
                  .createQuery(SKIP)
                  .bind("id", stepVersionId)
                  .bind("error", error)
                  .bind("now", now.toEpochMilli())
                  .map((row, context) -> new Skipped(row.getString(1), row.getInt(2)))
                  .findOne();
          skipped.ifPresent(
              step ->
                  StatusHistory.appendStep(
                      handle,
                      stepVersionId,
                      step.pipelineVersionId(),
                      step.attempt(),
                      StepStatus.SKIPPED,
                      error,
                      now));
          return skipped.isPresent();
        });
  }

  /**
   * RUNNING at {@code attempt} → PENDING, claimable from {@code notBefore} (null: at once), the
   * attempt kept as INTERRUPTED with {@code cause}.
   */
  boolean requeue(
      String stepVersionId,
      int attempt,
      FailureCause cause,
      String reason,
      Instant notBefore,
      Instant now) {
    return database.inTransaction(
        handle -> {
          Optional<String> versionId =
              handle
                  .createQuery(REQUEUE)
                  .bind("id", stepVersionId)
                  .bind("attempt", attempt)
                  .bind("notBefore", notBefore == null ? null : notBefore.toEpochMilli())
                  .bind("now", now.toEpochMilli())
                  .mapTo(String.class)
                  .findOne();
          versionId.ifPresent(
              id -> {
                StatusHistory.appendStep(
                    handle, stepVersionId, id, attempt, StepStatus.PENDING, reason, now);
                StepAttempts.record(
                    handle,
                    stepVersionId,
                    attempt,
                    "INTERRUPTED",
                    cause,
                    null,
                    null,
                    null,
                    now,
                    reason);
              });
          return versionId.isPresent();
        });
  }

  boolean adopt(String stepVersionId, int attempt, String fromNode, String toNode, Instant now) {
    return database.inTransaction(
            handle ->
                handle
                    .createUpdate(ADOPT)
                    .bind("id", stepVersionId)
                    .bind("attempt", attempt)
                    .bind("fromNode", fromNode)
                    .bind("toNode", toNode)
                    .bind("now", now.toEpochMilli())
                    .execute())
        == 1;
  }

  List<RunningAttempt> runningClaimedBy(String nodeId) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(RUNNING_CLAIMED_BY)
                .bind("nodeId", nodeId)
                .map(
                    (row, context) ->
                        new RunningAttempt(
                            row.getString("id"),
                            row.getString("pipeline_version"),
                            row.getInt("attempt"),
                            row.getString("claimed_by")))
                .list());
  }

  boolean finishVersion(String pipelineVersionId, RunStatus status, String error, Instant now) {
    if (!status.terminal()) {
      throw new IllegalArgumentException("A run finishes with a terminal status, not " + status);
    }
    return database.inTransaction(
        handle -> {
          int finished =
              handle
                  .createUpdate(FINISH_VERSION)
                  .bind("id", pipelineVersionId)
                  .bind("status", status.name())
                  .bind("error", error)
                  .bind("now", now.toEpochMilli())
                  .execute();
          if (finished > 0) {
            StatusHistory.appendVersion(handle, pipelineVersionId, status, error, now);
          }
          return finished > 0;
        });
  }

  private record Skipped(String pipelineVersionId, int attempt) {}

  /** A step as a guarded update left it: its run, and its progress. */
  private record Changed(String pipelineVersionId, StepProgress progress) {
    static Changed of(ResultSet row) throws SQLException {
      return new Changed(row.getString("pipeline_version"), RunRows.stepProgress(row));
    }

    static Changed of(ResultSet row, List<OutputMapping> outputValues) throws SQLException {
      return new Changed(
          row.getString("pipeline_version"), RunRows.stepProgress(row, outputValues));
    }
  }
}
