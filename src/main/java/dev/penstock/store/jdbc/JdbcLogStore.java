package dev.penstock.store.jdbc;

import dev.penstock.model.LogChunk;
import dev.penstock.store.LogStore;
import java.util.List;
import java.util.Optional;

/** Step logs in the {@code step_log} table. Thread-safe. */
final class JdbcLogStore implements LogStore {
  private static final String APPEND =
      """
      INSERT INTO step_log
        (step_version, attempt, start_byte, end_byte, pipeline_version, content)
      VALUES (:stepVersion, :attempt, :start, :end, :pipelineVersion, :content)
      ON CONFLICT DO NOTHING
      """;
  private static final String TRIM =
      """
      DELETE FROM step_log
       WHERE step_version = :stepVersion AND attempt = :attempt AND end_byte <= :before
      """;
  private static final String EXTENT =
      """
      SELECT MIN(start_byte) AS earliest, MAX(end_byte) AS size FROM step_log
       WHERE step_version = :stepVersion AND attempt = :attempt
      """;
  private static final String PIECES =
      """
      SELECT start_byte, end_byte, content FROM step_log
       WHERE step_version = :stepVersion AND attempt = :attempt AND end_byte > :from
       ORDER BY start_byte
       LIMIT :limit
      """;
  static final String DELETE_OF_VERSION = "DELETE FROM step_log WHERE pipeline_version = :id";

  private final Database database;

  JdbcLogStore(Database database) {
    this.database = database;
  }

  @Override
  public void append(
      String pipelineVersionId, String stepVersionId, int attempt, LogChunk piece, long keepBytes) {
    database.inTransaction(
        handle -> {
          handle
              .createUpdate(APPEND)
              .bind("stepVersion", stepVersionId)
              .bind("attempt", attempt)
              .bind("start", piece.start())
              .bind("end", piece.end())
              .bind("pipelineVersion", pipelineVersionId)
              .bind("content", piece.text())
              .execute();
          if (piece.end() > keepBytes) {
            handle
                .createUpdate(TRIM)
                .bind("stepVersion", stepVersionId)
                .bind("attempt", attempt)
                .bind("before", piece.end() - keepBytes)
                .execute();
          }
          return null;
        });
  }

  @Override
  public Optional<Extent> extent(String stepVersionId, int attempt) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(EXTENT)
                .bind("stepVersion", stepVersionId)
                .bind("attempt", attempt)
                .map(
                    (row, context) -> {
                      long size = row.getLong("size");
                      return row.wasNull() ? null : new Extent(row.getLong("earliest"), size);
                    })
                .findOne());
  }

  @Override
  public List<LogChunk> pieces(String stepVersionId, int attempt, long from, int limit) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(PIECES)
                .bind("stepVersion", stepVersionId)
                .bind("attempt", attempt)
                .bind("from", from)
                .bind("limit", limit)
                .map(
                    (row, context) ->
                        new LogChunk(
                            row.getString("content"),
                            row.getLong("start_byte"),
                            row.getLong("end_byte"),
                            0,
                            0))
                .list());
  }

  @Override
  public boolean enabled() {
    return true;
  }
}
