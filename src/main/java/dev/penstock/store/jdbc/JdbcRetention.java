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
          JdbcLogStore.DELETE_OF_VERSION,
          "DELETE FROM status_history WHERE pipeline_version = :id",
          "DELETE FROM step_attempt WHERE pipeline_version = :id",
          "DELETE FROM step_version WHERE pipeline_version = :id");
  private static final String DELETE_VERSION = "DELETE FROM pipeline_version WHERE id = :id";
  private static final String REMEMBER_DELETED =
      "INSERT INTO deleted_run (id, deleted_at) VALUES (:id, :now) ON CONFLICT DO NOTHING";
  // Every run of a pipeline about to be deleted; a WHERE clause, as SQLite's parser needs here.
  static final String REMEMBER_DELETED_OF_PIPELINE =
      """
      INSERT INTO deleted_run (id, deleted_at)
      SELECT id, :now FROM pipeline_version WHERE pipeline_id = :pipelineId
      ON CONFLICT DO NOTHING
      """;
  private static final String DELETED_SINCE =
      "SELECT id FROM deleted_run WHERE deleted_at >= :since ORDER BY deleted_at";
  private static final String FORGET_DELETED = "DELETE FROM deleted_run WHERE deleted_at < :before";
  // Any number: it names retention's lock among the advisory locks of the database.
  private static final long RETENTION_LOCK = 0x70656e73746f636bL;

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
          handle
              .createUpdate(REMEMBER_DELETED)
              .bind("id", pipelineVersionId)
              .bind("now", System.currentTimeMillis())
              .execute();
          return handle.createUpdate(DELETE_VERSION).bind("id", pipelineVersionId).execute() > 0;
        });
  }

  List<String> deletedSince(Instant since) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(DELETED_SINCE)
                .bind("since", since.toEpochMilli())
                .mapTo(String.class)
                .list());
  }

  void forgetDeletedBefore(Instant before) {
    database.inTransaction(
        handle ->
            handle.createUpdate(FORGET_DELETED).bind("before", before.toEpochMilli()).execute());
  }

  /**
   * Runs {@code pass} unless another server is running a retention pass on the database; returns
   * whether it ran. Where one server owns the database, it always does.
   */
  boolean alone(Runnable pass) {
    if (database.dialect().exclusiveToOneServer()) {
      pass.run();
      return true;
    }
    // The lock lasts as long as this transaction, held open on a connection of its own while the
    // pass deletes through others; a server that dies lets it go with its connection.
    return database.withHandle(
        handle -> {
          handle.begin();
          try {
            boolean locked =
                handle
                    .createQuery("SELECT pg_try_advisory_xact_lock(:key)")
                    .bind("key", RETENTION_LOCK)
                    .mapTo(Boolean.class)
                    .one();
            if (locked) {
              pass.run();
            }
            return locked;
          } finally {
            handle.rollback();
          }
        });
  }
}
