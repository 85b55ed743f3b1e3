package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.Columns.millis;

import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import java.time.Instant;
import java.util.List;

/**
 * The schedule columns of the pipeline table (cron, schedule_paused, next_run_at): their writes and
 * the ticker's due query and claim. Stateless and thread-safe.
 */
final class ScheduleTable {
  private static final String SET_SCHEDULE =
      """
      UPDATE pipeline
         SET cron = :cron, schedule_paused = :paused, next_run_at = :nextRunAt,
             updated_at = :updatedAt
       WHERE id = :id
      """;
  private static final String DUE =
      """
      SELECT * FROM pipeline
       WHERE next_run_at <= :now AND schedule_paused = 0 AND cron IS NOT NULL
       ORDER BY next_run_at, id
      """;
  // The claim: the row still holding the due time we read is the proof that nobody fired it yet.
  // Whoever moves it on first wins; every other caller updates 0 rows. Pausing sets next_run_at
  // to null, so a firing read before a pause cannot be claimed after it.
  private static final String CLAIM =
      """
      UPDATE pipeline SET next_run_at = :next
       WHERE id = :id AND next_run_at = :due AND schedule_paused = 0
      """;

  private final Database database;

  ScheduleTable(Database database) {
    this.database = database;
  }

  void set(String pipelineId, String cron, boolean paused, Instant nextRunAt, Instant updatedAt) {
    int updated =
        database.inTransaction(
            handle ->
                handle
                    .createUpdate(SET_SCHEDULE)
                    .bind("id", pipelineId)
                    .bind("cron", cron)
                    .bind("paused", paused ? 1 : 0)
                    .bind("nextRunAt", millis(nextRunAt))
                    .bind("updatedAt", millis(updatedAt))
                    .execute());
    if (updated == 0) {
      throw new NotFoundException("No pipeline with id '" + pipelineId + "'");
    }
  }

  List<Pipeline> due(Instant now) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(DUE)
                .bind("now", millis(now))
                .map((row, context) -> DefinitionRows.pipeline(row))
                .list());
  }

  boolean claim(String pipelineId, Instant due, Instant next) {
    return database.inTransaction(
            handle ->
                handle
                    .createUpdate(CLAIM)
                    .bind("id", pipelineId)
                    .bind("due", millis(due))
                    .bind("next", millis(next))
                    .execute())
        == 1;
  }
}
