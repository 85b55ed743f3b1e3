package dev.penstock.store.jdbc;

import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import dev.penstock.store.RunningAttempt;
import dev.penstock.store.StepCompletion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * The state changes users ask for (reset, skip, cancel), retries, and the admission of runs under a
 * pipeline's maxConcurrentRuns. Each is one transaction of guarded updates; each step change writes
 * its history row, and an attempt taken from its process writes its step_attempt row. Thread-safe.
 */
final class JdbcRunControl {
  private static final String CLEARED_STEP =
      """
      status = 'PENDING', error = NULL, output_values = NULL, output_errors = NULL,
      failure_cause = NULL, completed_at = NULL, not_before = NULL, failures = 0,
      updated_at = :now
      """;
  private static final String RESET_STEP =
      "UPDATE step_version SET "
          + CLEARED_STEP
          + " WHERE id = :id AND pipeline_version = :versionId AND status <> 'PENDING'"
          + " RETURNING attempt";
  private static final String RUNNING_ATTEMPTS =
      """
      SELECT id, attempt, claimed_by FROM step_version
       WHERE pipeline_version = :versionId AND status = 'RUNNING'
      """;
  private static final String REOPEN_VERSION =
      """
      UPDATE pipeline_version
         SET status = CASE WHEN status IN ('PENDING', 'RUNNING') THEN status ELSE 'PENDING' END,
             error = NULL, completed_at = NULL, trigger = 'RESET', updated_at = :now
       WHERE id = :versionId
      RETURNING status
      """;
  private static final String CANCEL_VERSION =
      """
      UPDATE pipeline_version
         SET status = 'CANCELLED', error = :reason, completed_at = :now, updated_at = :now
       WHERE id = :versionId AND status IN ('PENDING', 'RUNNING')
      """;
  private static final String CANCEL_OPEN_STEPS =
      """
      UPDATE step_version
         SET status = 'CANCELLED', error = :reason, completed_at = :now, updated_at = :now
       WHERE pipeline_version = :versionId AND status IN ('PENDING', 'RUNNING')
      RETURNING id, attempt
      """;
  private static final String SKIP_PENDING =
      """
      UPDATE step_version SET status = 'SKIPPED', error = :reason, updated_at = :now
       WHERE pipeline_version = :versionId AND status = 'PENDING'
      RETURNING id, attempt
      """;
  private static final String RETRY =
      """
      UPDATE step_version
         SET status = 'PENDING', failures = failures + 1, not_before = :notBefore,
             error = :error, failure_cause = :cause, output_errors = :outputErrors,
             updated_at = :now
       WHERE id = :id AND status = 'RUNNING' AND attempt = :attempt
      RETURNING pipeline_version
      """;
  private static final String PIPELINE_OF_VERSION =
      "SELECT pipeline_id FROM pipeline_version WHERE id = :versionId";
  // Oldest first: a PENDING run is admitted only while no older run of its pipeline waits, and
  // while fewer than max_concurrent_runs of them are RUNNING (no limit when it is null).
  private static final String ADMIT =
      """
      UPDATE pipeline_version
         SET status = 'RUNNING', started_at = COALESCE(started_at, :now), updated_at = :now
       WHERE id = :versionId AND status = 'PENDING'
         AND (SELECT COUNT(*) FROM pipeline_version running
               WHERE running.pipeline_id = :pipelineId AND running.status = 'RUNNING')
             < COALESCE((SELECT max_concurrent_runs FROM pipeline WHERE id = :pipelineId),
                        2147483647)
         AND NOT EXISTS (
             SELECT 1 FROM pipeline_version older, pipeline_version candidate
              WHERE candidate.id = :versionId AND older.pipeline_id = :pipelineId
                AND older.status = 'PENDING'
                AND (older.created_at < candidate.created_at
                     OR (older.created_at = candidate.created_at AND older.id < candidate.id)))
      """;
  private static final String QUEUED =
      """
      SELECT id FROM pipeline_version
       WHERE pipeline_id = :pipelineId AND status = 'PENDING'
       ORDER BY created_at, id
      """;

  private final Database database;

  JdbcRunControl(Database database) {
    this.database = database;
  }

  List<RunningAttempt> reset(
      String versionId, Collection<String> stepVersionIds, String reason, Instant now) {
    return database.inTransaction(
        handle -> {
          var stopped = new ArrayList<RunningAttempt>();
          for (var running : runningAttempts(handle, versionId)) {
            if (stepVersionIds.contains(running.stepVersionId())) {
              StepAttempts.record(
                  handle,
                  running.stepVersionId(),
                  running.attempt(),
                  "INTERRUPTED",
                  null,
                  null,
                  null,
                  null,
                  now,
                  reason);
              stopped.add(running);
            }
          }
          for (String stepVersionId : stepVersionIds) {
            handle
                .createQuery(RESET_STEP)
                .bind("id", stepVersionId)
                .bind("versionId", versionId)
                .bind("now", now.toEpochMilli())
                .mapTo(Integer.class)
                .findOne()
                .ifPresent(
                    attempt -> {
                      ArtifactRows.deleteOfStep(handle, stepVersionId);
                      StatusHistory.appendStep(
                          handle,
                          stepVersionId,
                          versionId,
                          attempt,
                          StepStatus.PENDING,
                          reason,
                          now);
                    });
          }
          String status =
              handle
                  .createQuery(REOPEN_VERSION)
                  .bind("versionId", versionId)
                  .bind("now", now.toEpochMilli())
                  .mapTo(String.class)
                  .one();
          StatusHistory.appendVersion(handle, versionId, RunStatus.valueOf(status), reason, now);
          return stopped;
        });
  }

  List<RunningAttempt> cancel(String versionId, String reason, Instant now) {
    return database.inTransaction(
        handle -> {
          int cancelled =
              handle
                  .createUpdate(CANCEL_VERSION)
                  .bind("versionId", versionId)
                  .bind("reason", reason)
                  .bind("now", now.toEpochMilli())
                  .execute();
          if (cancelled == 0) {
            return List.<RunningAttempt>of();
          }
          StatusHistory.appendVersion(handle, versionId, RunStatus.CANCELLED, reason, now);
          var stopped = runningAttempts(handle, versionId);
          for (var running : stopped) {
            StepAttempts.record(
                handle,
                running.stepVersionId(),
                running.attempt(),
                "CANCELLED",
                null,
                reason,
                null,
                null,
                now,
                reason);
          }
          changeOpenSteps(handle, CANCEL_OPEN_STEPS, versionId, StepStatus.CANCELLED, reason, now);
          return stopped;
        });
  }

  int skipPending(String versionId, String reason, Instant now) {
    return database.inTransaction(
        handle ->
            changeOpenSteps(handle, SKIP_PENDING, versionId, StepStatus.SKIPPED, reason, now));
  }

  boolean retry(StepCompletion failed, Instant notBefore, String reason) {
    return database.inTransaction(
        handle -> {
          var versionId =
              handle
                  .createQuery(RETRY)
                  .bind("id", failed.stepVersionId())
                  .bind("attempt", failed.attempt())
                  .bind("notBefore", notBefore.toEpochMilli())
                  .bind("error", failed.error())
                  .bind("cause", Columns.name(failed.cause()))
                  .bind("outputErrors", failed.outputErrors())
                  .bind("now", failed.at().toEpochMilli())
                  .mapTo(String.class)
                  .findOne();
          if (versionId.isEmpty()) {
            return false;
          }
          StepAttempts.record(
              handle,
              failed.stepVersionId(),
              failed.attempt(),
              StepStatus.FAILED.name(),
              failed.cause(),
              failed.error(),
              failed.outputErrors(),
              null,
              failed.at(),
              reason);
          StatusHistory.appendStep(
              handle,
              failed.stepVersionId(),
              versionId.get(),
              failed.attempt(),
              StepStatus.PENDING,
              reason,
              failed.at());
          return true;
        });
  }

  boolean admit(String versionId, Instant now) {
    return database.inTransaction(
        handle -> {
          var pipelineId =
              handle
                  .createQuery(PIPELINE_OF_VERSION)
                  .bind("versionId", versionId)
                  .mapTo(String.class)
                  .findOne();
          if (pipelineId.isEmpty()) {
            return false;
          }
          // Serializes admissions of one pipeline's runs where writers can run side by side.
          handle
              .createQuery(
                  "SELECT id FROM pipeline WHERE id = :id" + database.dialect().lockRowClause())
              .bind("id", pipelineId.get())
              .mapTo(String.class)
              .findOne();
          int admitted =
              handle
                  .createUpdate(ADMIT)
                  .bind("versionId", versionId)
                  .bind("pipelineId", pipelineId.get())
                  .bind("now", now.toEpochMilli())
                  .execute();
          if (admitted > 0) {
            StatusHistory.appendVersion(handle, versionId, RunStatus.RUNNING, null, now);
          }
          return admitted > 0;
        });
  }

  List<String> queued(String pipelineId) {
    return database.withHandle(
        handle ->
            handle.createQuery(QUEUED).bind("pipelineId", pipelineId).mapTo(String.class).list());
  }

  private static List<RunningAttempt> runningAttempts(Handle handle, String versionId) {
    return handle
        .createQuery(RUNNING_ATTEMPTS)
        .bind("versionId", versionId)
        .map(
            (row, context) ->
                new RunningAttempt(
                    row.getString("id"),
                    versionId,
                    row.getInt("attempt"),
                    row.getString("claimed_by")))
        .list();
  }

  private static int changeOpenSteps(
      Handle handle, String sql, String versionId, StepStatus status, String reason, Instant now) {
    var changed =
        handle
            .createQuery(sql)
            .bind("versionId", versionId)
            .bind("reason", reason)
            .bind("now", now.toEpochMilli())
            .map((row, context) -> new ChangedStep(row.getString(1), row.getInt(2)))
            .list();
    for (ChangedStep step : changed) {
      StatusHistory.appendStep(handle, step.id(), versionId, step.attempt(), status, reason, now);
    }
    return changed.size();
  }

  private record ChangedStep(String id, int attempt) {}
}
