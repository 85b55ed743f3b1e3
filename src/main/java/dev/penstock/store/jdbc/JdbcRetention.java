package dev.penstock.store.jdbc;

import java.time.Instant;
import java.util.List;

/**
 * Finds and deletes finished runs past the retention rules, in small batches. A run is deleted only
 * when it has ended and, in the deleting transaction, is still ended. Thread-safe.
 */
final class JdbcRetention {
  private static final String PRUNABLE =
      """
      SELECT id FROM (
          SELECT id, status, completed_at,
                 ROW_NUMBER() OVER (PARTITION BY pipeline_id
                                    ORDER BY created_at DESC, id DESC) AS newest
            FROM pipeline_version) ranked
       WHERE newest > :keepLast
         AND status IN ('COMPLETE', 'FAILED', 'CANCELLED')
         AND completed_at < :olderThan
       ORDER BY completed_at
       LIMIT :limit
      """;
  private static final String STATUS = "SELECT status FROM pipeline_version WHERE id = :id";
  private static final List<String> DELETE_CHILDREN =
      List.of(
          ArtifactRows.DELETE_OF_VERSION,
          "DELETE FROM status_history WHERE pipeline_version = :id",
          "DELETE FROM step_attempt WHERE pipeline_version = :id",
          "DELETE FROM step_version WHERE pipeline_version = :id");
  private static final String DELETE_VERSION = "DELETE FROM pipeline_version WHERE id = :id";

  private final Database database;

  JdbcRetention(Database database) {
    this.database = database;
  }

  List<String> prunable(Instant olderThan, int keepLast, int limit) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(PRUNABLE)
                .bind("olderThan", olderThan.toEpochMilli())
                .bind("keepLast", keepLast)
                .bind("limit", limit)
                .mapTo(String.class)
                .list());
  }

  boolean delete(String pipelineVersionId) {
    return database.inTransaction(
        handle -> {
          var status =
              handle
                  .createQuery(STATUS + database.dialect().lockRowClause())
                  .bind("id", pipelineVersionId)
                  .mapTo(String.class)
                  .findOne();
          if (status.isEmpty()
              || status.get().equals("PENDING")
              || status.get().equals("RUNNING")) {
            return false;
          }
          for (String delete : DELETE_CHILDREN) {
            handle.createUpdate(delete).bind("id", pipelineVersionId).execute();
          }
          return handle.createUpdate(DELETE_VERSION).bind("id", pipelineVersionId).execute() > 0;
        });
  }
}
