package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.Columns.enumValue;
import static dev.penstock.store.jdbc.Columns.instant;

import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepStatus;
import dev.penstock.store.RunOverview;
import dev.penstock.store.StepProgress;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The list and live-view reads of {@link RunOverview}, on either database. Thread-safe. */
final class JdbcRunOverview implements RunOverview {
  private static final String VERSIONS =
      """
      SELECT * FROM pipeline_version WHERE pipeline_id = :pipelineId
      ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset
      """;
  private static final String VERSION_COUNT =
      "SELECT COUNT(*) FROM pipeline_version WHERE pipeline_id = :pipelineId";

  /** The newest by created_at, ties broken by id, the order VERSIONS lists them in. */
  private static final String LATEST =
      """
      SELECT v.* FROM pipeline_version v
      WHERE NOT EXISTS (
        SELECT 1 FROM pipeline_version newer
        WHERE newer.pipeline_id = v.pipeline_id
          AND (newer.created_at > v.created_at
               OR (newer.created_at = v.created_at AND newer.id > v.id)))
      """;

  private static final String STEP_COUNTS =
      "SELECT pipeline_id, COUNT(*) AS n FROM pipeline_step GROUP BY pipeline_id";
  private static final String STEP_NAMES =
      """
      SELECT step_name FROM step_version WHERE pipeline_version IN (<versionIds>)
      GROUP BY step_name ORDER BY MIN(position), step_name LIMIT :limit OFFSET :offset
      """;
  private static final String STEP_NAME_COUNT =
      "SELECT COUNT(DISTINCT step_name) FROM step_version WHERE pipeline_version IN (<versionIds>)";
  private static final String PROGRESS_BY_VERSION =
      """
      SELECT pipeline_version, id, step_name, position, status, attempt, failures, started_at,
             completed_at, updated_at
      FROM step_version
      WHERE pipeline_version IN (<versionIds>) AND step_name IN (<stepNames>)
      ORDER BY position, id
      """;
  private static final String PROGRESS =
      """
      SELECT id, step_name, position, status, attempt, failures, started_at, completed_at,
             updated_at
      FROM step_version WHERE pipeline_version = :versionId AND updated_at >= :since
      ORDER BY position, id
      """;

  private static final String VERSION = "SELECT * FROM pipeline_version WHERE id = :id";
  private static final String DEPENDENCIES =
      """
      SELECT step_name, dependencies FROM step_version WHERE pipeline_version = :versionId
      ORDER BY position, id
      """;

  private final Database database;

  JdbcRunOverview(Database database) {
    this.database = database;
  }

  @Override
  public List<PipelineVersion> versions(String pipelineId, int offset, int limit) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(VERSIONS)
                .bind("pipelineId", pipelineId)
                .bind("limit", limit)
                .bind("offset", offset)
                .map((row, context) -> RunRows.version(row, ""))
                .list());
  }

  @Override
  public int versionCount(String pipelineId) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(VERSION_COUNT)
                .bind("pipelineId", pipelineId)
                .mapTo(Integer.class)
                .one());
  }

  @Override
  public Map<String, PipelineVersion> latestVersions() {
    return database.withHandle(
        handle ->
            handle
                .createQuery(LATEST)
                .reduceResultSet(
                    new HashMap<String, PipelineVersion>(),
                    (latest, row, context) -> {
                      PipelineVersion version = RunRows.version(row, "");
                      latest.put(version.pipelineId(), version);
                      return latest;
                    }));
  }

  @Override
  public Map<String, Integer> stepCounts() {
    return database.withHandle(
        handle ->
            handle
                .createQuery(STEP_COUNTS)
                .reduceRows(
                    new HashMap<String, Integer>(),
                    (counts, row) -> {
                      counts.put(
                          row.getColumn("pipeline_id", String.class),
                          row.getColumn("n", Integer.class));
                      return counts;
                    }));
  }

  @Override
  public List<String> stepNames(Collection<String> pipelineVersionIds, int offset, int limit) {
    if (pipelineVersionIds.isEmpty() || limit <= 0) {
      return List.of();
    }
    return database.withHandle(
        handle ->
            handle
                .createQuery(STEP_NAMES)
                .bindList("versionIds", List.copyOf(pipelineVersionIds))
                .bind("limit", limit)
                .bind("offset", Math.max(0, offset))
                .mapTo(String.class)
                .list());
  }

  @Override
  public int stepNameCount(Collection<String> pipelineVersionIds) {
    if (pipelineVersionIds.isEmpty()) {
      return 0;
    }
    return database.withHandle(
        handle ->
            handle
                .createQuery(STEP_NAME_COUNT)
                .bindList("versionIds", List.copyOf(pipelineVersionIds))
                .mapTo(Integer.class)
                .one());
  }

  @Override
  public Map<String, List<StepProgress>> stepProgressByVersion(
      Collection<String> pipelineVersionIds, Collection<String> stepNames) {
    if (pipelineVersionIds.isEmpty() || stepNames.isEmpty()) {
      return Map.of();
    }
    return database.withHandle(
        handle ->
            handle
                .createQuery(PROGRESS_BY_VERSION)
                .bindList("versionIds", List.copyOf(pipelineVersionIds))
                .bindList("stepNames", List.copyOf(stepNames))
                .reduceResultSet(
                    new LinkedHashMap<String, List<StepProgress>>(),
                    (byVersion, row, context) -> {
                      byVersion
                          .computeIfAbsent(
                              row.getString("pipeline_version"), id -> new java.util.ArrayList<>())
                          .add(
                              new StepProgress(
                                  row.getString("id"),
                                  row.getString("step_name"),
                                  row.getInt("position"),
                                  enumValue(StepStatus.class, row.getString("status")),
                                  row.getInt("attempt"),
                                  row.getInt("failures"),
                                  instant(row, "started_at"),
                                  instant(row, "completed_at"),
                                  instant(row, "updated_at")));
                      return byVersion;
                    }));
  }

  @Override
  public List<StepProgress> stepProgress(String pipelineVersionId, Instant since) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(PROGRESS)
                .bind("versionId", pipelineVersionId)
                .bind("since", since == null ? Long.MIN_VALUE : since.toEpochMilli())
                .map(
                    (row, context) ->
                        new StepProgress(
                            row.getString("id"),
                            row.getString("step_name"),
                            row.getInt("position"),
                            enumValue(StepStatus.class, row.getString("status")),
                            row.getInt("attempt"),
                            row.getInt("failures"),
                            instant(row, "started_at"),
                            instant(row, "completed_at"),
                            instant(row, "updated_at")))
                .list());
  }

  @Override
  public Optional<PipelineVersion> version(String pipelineVersionId) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(VERSION)
                .bind("id", pipelineVersionId)
                .map((row, context) -> RunRows.version(row, ""))
                .findOne());
  }

  @Override
  public Map<String, List<String>> stepDependencies(String pipelineVersionId) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(DEPENDENCIES)
                .bind("versionId", pipelineVersionId)
                .reduceRows(
                    new LinkedHashMap<String, List<String>>(),
                    (graph, row) -> {
                      List<String> dependencies =
                          JsonColumns.strings(row.getColumn("dependencies", String.class));
                      graph.put(
                          row.getColumn("step_name", String.class),
                          dependencies == null ? List.of() : dependencies);
                      return graph;
                    }));
  }

  @Override
  public Map<String, List<StepAttempt>> attemptSpans(
      String pipelineVersionId, Collection<String> stepVersionIds) {
    return database.withHandle(
        handle -> StepAttempts.spans(handle, pipelineVersionId, stepVersionIds));
  }
}
