package dev.penstock.store.jdbc;

import dev.penstock.model.Artifact;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The artifact table: written with the completion that produced the artifacts, read by run and by
 * id, deleted with the step's outputs (reset) or its run (retention, pipeline deletion).
 */
final class ArtifactRows {
  private static final String INSERT =
      """
      INSERT INTO artifact (id, pipeline_version, step_version, attempt, output_name, name, kind,
          format, content_type, size_bytes, path, preview, created_at)
      VALUES (:id, :pipelineVersionId, :stepVersionId, :attempt, :outputName, :name, :kind,
          :format, :contentType, :size, :path, :preview, :createdAt)
      """;
  private static final String OF_VERSION =
      """
      SELECT a.* FROM artifact a JOIN step_version s ON s.id = a.step_version
       WHERE a.pipeline_version = :id
       ORDER BY s.position, a.output_name IS NULL, a.output_name, a.name
      """;
  private static final String OF_STEP =
      """
      SELECT * FROM artifact WHERE step_version = :id
       ORDER BY output_name IS NULL, output_name, name
      """;
  private static final String BY_ID = "SELECT * FROM artifact WHERE id = :id";
  private static final String DELETE_OF_STEP = "DELETE FROM artifact WHERE step_version = :id";

  /** Deletes a version's artifacts: run before its step versions go. */
  static final String DELETE_OF_VERSION = "DELETE FROM artifact WHERE pipeline_version = :id";

  private ArtifactRows() {}

  static void insert(Handle handle, List<Artifact> artifacts) {
    if (artifacts.isEmpty()) {
      return;
    }
    var batch = handle.prepareBatch(INSERT);
    for (Artifact artifact : artifacts) {
      batch
          .bind("id", artifact.id())
          .bind("pipelineVersionId", artifact.pipelineVersionId())
          .bind("stepVersionId", artifact.stepVersionId())
          .bind("attempt", artifact.attempt())
          .bind("outputName", artifact.outputName())
          .bind("name", artifact.name())
          .bind("kind", artifact.kind().name())
          .bind("format", artifact.format())
          .bind("contentType", artifact.contentType())
          .bind("size", artifact.size())
          .bind("path", artifact.path())
          .bind("preview", artifact.preview() == null ? null : artifact.preview().toString())
          .bind("createdAt", artifact.createdAt().toEpochMilli())
          .add();
    }
    batch.execute();
  }

  static List<Artifact> ofVersion(Handle handle, String pipelineVersionId) {
    return handle
        .createQuery(OF_VERSION)
        .bind("id", pipelineVersionId)
        .map((row, context) -> read(row))
        .list();
  }

  static List<Artifact> ofStep(Handle handle, String stepVersionId) {
    return handle
        .createQuery(OF_STEP)
        .bind("id", stepVersionId)
        .map((row, context) -> read(row))
        .list();
  }

  static Optional<Artifact> byId(Handle handle, String artifactId) {
    return handle
        .createQuery(BY_ID)
        .bind("id", artifactId)
        .map((row, context) -> read(row))
        .findOne();
  }

  static void deleteOfStep(Handle handle, String stepVersionId) {
    handle.createUpdate(DELETE_OF_STEP).bind("id", stepVersionId).execute();
  }

  private static Artifact read(ResultSet row) throws SQLException {
    String preview = row.getString("preview");
    return new Artifact(
        row.getString("id"),
        row.getString("pipeline_version"),
        row.getString("step_version"),
        row.getInt("attempt"),
        row.getString("output_name"),
        row.getString("name"),
        Artifact.Kind.valueOf(row.getString("kind")),
        row.getString("format"),
        row.getString("content_type"),
        row.getLong("size_bytes"),
        row.getString("path"),
        preview == null ? null : JsonColumns.tree(preview),
        Columns.instant(row, "created_at"));
  }
}
