package dev.penstock.store.jdbc;

import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepVersion;
import dev.penstock.store.VersionReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads runs for their views without holding them whole ({@link
 * dev.penstock.store.RunStore#readVersion}): the version row, then its step_version rows and the
 * summaries of their ended attempts from two cursors walked side by side, in one read-only
 * snapshot. Thread-safe.
 */
final class VersionReads {
  /**
   * A step_version row of a wide run can hold a large value (a list every step reads): PostgreSQL
   * sends so many rows per round trip. SQLite reads one row per step anyway.
   */
  private static final int STEP_FETCH_SIZE = 4;

  private static final String SELECT_VERSION = "SELECT * FROM pipeline_version WHERE id = :id";
  // The same order as the attempt summaries, which VersionReads walks alongside.
  private static final String SELECT_STEPS =
      "SELECT * FROM step_version WHERE pipeline_version = :id ORDER BY position, id";
  private static final String VERSION_IDS =
      """
      SELECT id FROM pipeline_version WHERE pipeline_id = :pipelineId
       ORDER BY created_at DESC, id DESC LIMIT :limit
      """;

  private final Database database;

  VersionReads(Database database) {
    this.database = database;
  }

  boolean read(String pipelineVersionId, VersionReader reader) {
    return database.inLongRead(
        handle -> {
          var version =
              handle
                  .createQuery(SELECT_VERSION)
                  .bind("id", pipelineVersionId)
                  .map((row, context) -> RunRows.version(row, ""))
                  .findOne();
          if (version.isEmpty()) {
            return false;
          }
          reader.version(version.get());
          reader.artifacts(ArtifactRows.ofVersion(handle, pipelineVersionId));
          try (var steps =
                  handle
                      .createQuery(SELECT_STEPS)
                      .bind("id", pipelineVersionId)
                      .setFetchSize(STEP_FETCH_SIZE)
                      .map((row, context) -> RunRows.stepVersion(row))
                      .iterator();
              var attempts = StepAttempts.summariesOfVersion(handle, pipelineVersionId)) {
            StepAttempts.Summary next = attempts.hasNext() ? attempts.next() : null;
            while (steps.hasNext()) {
              StepVersion step = steps.next();
              var ended = new ArrayList<StepAttempt>();
              while (next != null && next.stepVersionId().equals(step.id())) {
                ended.add(next.attempt());
                next = attempts.hasNext() ? attempts.next() : null;
              }
              reader.step(step, ended);
            }
          }
          return true;
        });
  }

  List<String> versionIds(String pipelineId, int limit) {
    if (limit <= 0) {
      return List.of(); // PostgreSQL rejects a negative LIMIT, SQLite reads it as no limit
    }
    return database.withHandle(
        handle ->
            handle
                .createQuery(VERSION_IDS)
                .bind("pipelineId", pipelineId)
                .bind("limit", limit)
                .mapTo(String.class)
                .list());
  }
}
