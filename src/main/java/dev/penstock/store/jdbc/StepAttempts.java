package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.Columns.enumValue;
import static dev.penstock.store.jdbc.Columns.instant;

import dev.penstock.model.FailureCause;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.StepAttempt;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.result.ResultIterator;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Rows of step_attempt: every ended attempt of a step, written in the transaction that ends it,
 * with the inputs it was bound to and the time it started taken from its step_version row.
 * Stateless and thread-safe.
 */
final class StepAttempts {
  private static final String RECORD =
      """
      INSERT INTO step_attempt (step_version, pipeline_version, attempt, status, failure_cause,
          error, output_errors, bound_inputs, output_values, started_at, ended_at, reason)
      SELECT id, pipeline_version, :attempt, :status, :cause, :error, :outputErrors, bound_inputs,
             :outputValues, started_at, :endedAt, :reason
        FROM step_version
       WHERE id = :id
      """;
  private static final int SUMMARY_FETCH_SIZE = 100;
  private static final String SELECT =
      "SELECT * FROM step_attempt WHERE step_version = :id ORDER BY attempt";
  private static final String SELECT_OF_VERSION =
      "SELECT * FROM step_attempt WHERE pipeline_version = :id ORDER BY step_version, attempt";

  // Without bound_inputs and output_values, in the order of the version's step_version rows (see
  // VersionReads): what a run's view shows of each attempt.
  private static final String SUMMARIES_OF_VERSION =
      """
      SELECT a.step_version, a.attempt, a.status, a.failure_cause, a.error, a.output_errors,
             a.started_at, a.ended_at, a.reason
        FROM step_attempt a JOIN step_version s ON s.id = a.step_version
       WHERE a.pipeline_version = :id
       ORDER BY s.position, s.id, a.attempt
      """;

  private static final String SPANS =
      """
      SELECT step_version, attempt, status, failure_cause, error, output_errors, started_at,
             ended_at, reason
        FROM step_attempt
       WHERE pipeline_version = :versionId AND step_version IN (<ids>)
       ORDER BY step_version, attempt
      """;

  private StepAttempts() {}

  /** One ended attempt, without its inputs and outputs, and the id of its step version. */
  record Summary(String stepVersionId, StepAttempt attempt) {}

  /**
   * The ended attempts of every step of the version, without their inputs and outputs, ordered by
   * the steps' position (and id), then attempt; read as the caller iterates.
   */
  static ResultIterator<Summary> summariesOfVersion(Handle handle, String pipelineVersionId) {
    return handle
        .createQuery(SUMMARIES_OF_VERSION)
        .bind("id", pipelineVersionId)
        .setFetchSize(SUMMARY_FETCH_SIZE)
        .map(
            (row, context) ->
                new Summary(
                    row.getString("step_version"),
                    new StepAttempt(
                        row.getInt("attempt"),
                        row.getString("status"),
                        enumValue(FailureCause.class, row.getString("failure_cause")),
                        row.getString("error"),
                        row.getString("output_errors"),
                        null,
                        null,
                        instant(row, "started_at"),
                        instant(row, "ended_at"),
                        row.getString("reason"))))
        .iterator();
  }

  /**
   * The ended attempts of the given step versions of the version, without their inputs and outputs,
   * by step version id, oldest first.
   */
  static Map<String, List<StepAttempt>> spans(
      Handle handle, String pipelineVersionId, Collection<String> stepVersionIds) {
    var byStep = new HashMap<String, List<StepAttempt>>();
    if (stepVersionIds.isEmpty()) {
      return byStep; // "IN ()" is not SQL
    }
    handle
        .createQuery(SPANS)
        .bind("versionId", pipelineVersionId)
        .bindList("ids", List.copyOf(stepVersionIds))
        .map((row, context) -> Map.entry(row.getString("step_version"), summary(row)))
        .forEach(
            entry ->
                byStep
                    .computeIfAbsent(entry.getKey(), id -> new ArrayList<>())
                    .add(entry.getValue()));
    return byStep;
  }

  private static StepAttempt summary(ResultSet row) throws SQLException {
    return new StepAttempt(
        row.getInt("attempt"),
        row.getString("status"),
        enumValue(FailureCause.class, row.getString("failure_cause")),
        row.getString("error"),
        row.getString("output_errors"),
        null,
        null,
        instant(row, "started_at"),
        instant(row, "ended_at"),
        row.getString("reason"));
  }

  /** Records how attempt {@code attempt} of the step ended; call before the row is reset. */
  static void record(
      Handle handle,
      String stepVersionId,
      int attempt,
      String status,
      FailureCause cause,
      String error,
      String outputErrors,
      List<OutputMapping> outputs,
      Instant endedAt,
      String reason) {
    handle
        .createUpdate(RECORD)
        .bind("id", stepVersionId)
        .bind("attempt", attempt)
        .bind("status", status)
        .bind("cause", Columns.name(cause))
        .bind("error", error)
        .bind("outputErrors", outputErrors)
        .bind("outputValues", JsonColumns.write(outputs))
        .bind("endedAt", endedAt.toEpochMilli())
        .bind("reason", reason)
        .execute();
  }

  static List<StepAttempt> of(Handle handle, String stepVersionId) {
    return handle.createQuery(SELECT).bind("id", stepVersionId).map(StepAttempts::attempt).list();
  }

  static Map<String, List<StepAttempt>> ofVersion(Handle handle, String pipelineVersionId) {
    var byStep = new HashMap<String, List<StepAttempt>>();
    handle
        .createQuery(SELECT_OF_VERSION)
        .bind("id", pipelineVersionId)
        .map((row, context) -> Map.entry(row.getString("step_version"), attempt(row, context)))
        .forEach(
            entry ->
                byStep
                    .computeIfAbsent(entry.getKey(), id -> new ArrayList<>())
                    .add(entry.getValue()));
    return byStep;
  }

  private static StepAttempt attempt(ResultSet row, StatementContext context) throws SQLException {
    return new StepAttempt(
        row.getInt("attempt"),
        row.getString("status"),
        enumValue(FailureCause.class, row.getString("failure_cause")),
        row.getString("error"),
        row.getString("output_errors"),
        JsonColumns.inputs(row.getString("bound_inputs")),
        JsonColumns.outputs(row.getString("output_values")),
        instant(row, "started_at"),
        instant(row, "ended_at"),
        row.getString("reason"));
  }
}
