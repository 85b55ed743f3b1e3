package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.Columns.millis;

import dev.penstock.model.Artifact;
import dev.penstock.model.FailureCause;
import dev.penstock.model.InputMapping;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepProgress;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.RunStore;
import dev.penstock.store.RunningAttempt;
import dev.penstock.store.StatusChange;
import dev.penstock.store.StepCompletion;
import dev.penstock.store.VersionReader;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * RunStore on SQLite or PostgreSQL; the guarded state changes live in JdbcStepClaims. Thread-safe.
 */
public final class JdbcRunStore implements RunStore {
  private static final String INSERT_VERSION =
      """
      INSERT INTO pipeline_version (id, pipeline_id, pipeline_name, status, error, trigger,
          variables, created_at, updated_at, started_at, completed_at, isolation, executor,
          step_image)
      VALUES (:id, :pipelineId, :pipelineName, :status, :error, :trigger,
          :variables, :createdAt, :updatedAt, :startedAt, :completedAt, :isolation, :executor,
          :stepImage)
      """;
  // A new step version is PENDING at attempt 0 with nothing bound, whatever the record says.
  private static final String INSERT_STEP_VERSION =
      """
      INSERT INTO step_version (id, pipeline_version, pipeline_id, pipeline_step_id, step_name,
          position, python_function_id, function_name, source_code, inputs, outputs, dependencies,
          package_requirements, modules, cpu_size, memory_gb, timeout_minutes, retries,
          retry_delay_seconds, retry_backoff, retry_on, status, attempt, created_at, updated_at)
      VALUES (:id, :pipelineVersionId, :pipelineId, :pipelineStepId, :stepName,
          :position, :pythonFunctionId, :functionName, :sourceCode, :inputs, :outputs,
          :dependencies, :packageRequirements, :modules, :cpuSize, :memoryGb, :timeoutMinutes, :retries,
          :retryDelaySeconds, :retryBackoff, :retryOn, 'PENDING', 0, :createdAt, :updatedAt)
      """;
  // One query returns the versions with their steps, so a reader sees one consistent snapshot.
  private static final String SELECT_VERSIONS_WITH_STEPS =
      """
      SELECT v.id AS v_id, v.pipeline_id AS v_pipeline_id, v.pipeline_name AS v_pipeline_name,
             v.status AS v_status, v.error AS v_error, v.trigger AS v_trigger,
             v.variables AS v_variables, v.isolation AS v_isolation,
             v.executor AS v_executor, v.step_image AS v_step_image,
             v.created_at AS v_created_at, v.updated_at AS v_updated_at,
             v.started_at AS v_started_at, v.completed_at AS v_completed_at, s.*
      """;
  private static final String SELECT_VERSION =
      SELECT_VERSIONS_WITH_STEPS
          + """
            FROM pipeline_version v LEFT JOIN step_version s ON s.pipeline_version = v.id
           WHERE v.id = :id
           ORDER BY s.position
          """;
  private static final String SELECT_STEP_VERSION = "SELECT * FROM step_version WHERE id = :id";
  private static final String SELECT_STEP_PROGRESS =
      "SELECT " + RunRows.PROGRESS_COLUMNS + " FROM step_version WHERE id = :id";
  private static final String SELECT_VERSION_STATUS =
      "SELECT status FROM pipeline_version WHERE id = :id";
  private static final String OPEN_VERSION_IDS =
      """
      SELECT id FROM pipeline_version WHERE status IN ('PENDING', 'RUNNING')
       ORDER BY created_at, id
      """;
  private static final String RUNNING_STEPS_OF_DEAD_NODES =
      """
      SELECT s.* FROM step_version s
       WHERE s.status = 'RUNNING'
         AND NOT EXISTS (SELECT 1 FROM node n
                          WHERE n.id = s.claimed_by AND n.heartbeat_at >= :staleBefore)
       ORDER BY s.pipeline_version, s.position
      """;
  private static final String HEARTBEAT_NODE =
      """
      INSERT INTO node (id, started_at, heartbeat_at) VALUES (:id, :now, :now)
      ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at
      """;

  private final Database database;
  private final JdbcStepClaims claims;
  private final JdbcRunControl control;
  private final JdbcRetention retention;
  private final VersionReads reads;

  JdbcRunStore(Database database) {
    this.database = database;
    this.claims = new JdbcStepClaims(database);
    this.control = new JdbcRunControl(database);
    this.retention = new JdbcRetention(database);
    this.reads = new VersionReads(database);
  }

  @Override
  public void createVersion(PipelineVersion version) {
    database.inTransaction(
        handle -> {
          var insert =
              DefinitionRows.bindPlacement(handle.createUpdate(INSERT_VERSION), version.placement())
                  .bind("id", version.id())
                  .bind("pipelineId", version.pipelineId())
                  .bind("pipelineName", version.pipelineName())
                  .bind(
                      "isolation",
                      version.isolation() == null ? null : version.isolation().wireName())
                  .bind("status", version.status().name())
                  .bind("error", version.error())
                  .bind("trigger", version.trigger().name())
                  .bind("variables", JsonColumns.write(version.variables()))
                  .bind("createdAt", millis(version.createdAt()))
                  .bind("updatedAt", millis(version.updatedAt()))
                  .bind("startedAt", millis(version.startedAt()))
                  .bind("completedAt", millis(version.completedAt()));
          database.execute(
              insert,
              "A pipeline version with id '" + version.id() + "' already exists",
              "No pipeline with id '" + version.pipelineId() + "'");
          var steps = handle.prepareBatch(INSERT_STEP_VERSION);
          var history = handle.prepareBatch(StatusHistory.INSERT);
          for (StepVersion step : version.steps()) {
            bindStepVersion(steps, version.id(), step).add();
            bindCreated(history, step.id(), version.id(), StepStatus.PENDING, version.createdAt());
          }
          bindCreated(history, null, version.id(), version.status(), version.createdAt());
          if (!version.steps().isEmpty()) {
            steps.execute();
          }
          history.execute();
          return null;
        });
  }

  @Override
  public Optional<PipelineVersion> findVersion(String pipelineVersionId) {
    return findVersion(pipelineVersionId, true);
  }

  @Override
  public Optional<PipelineVersion> findVersionToPlan(String pipelineVersionId) {
    return findVersion(pipelineVersionId, false);
  }

  private Optional<PipelineVersion> findVersion(String pipelineVersionId, boolean boundInputs) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(SELECT_VERSION)
                .bind("id", pipelineVersionId)
                .scanResultSet(
                    (rows, context) -> RunRows.versionsWithSteps(rows.get(), boundInputs))
                .stream()
                .findFirst());
  }

  @Override
  public Optional<RunStatus> versionStatus(String pipelineVersionId) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(SELECT_VERSION_STATUS)
                .bind("id", pipelineVersionId)
                .mapTo(String.class)
                .findOne()
                .map(RunStatus::valueOf));
  }

  @Override
  public boolean readVersion(String pipelineVersionId, VersionReader reader) {
    return reads.read(pipelineVersionId, reader);
  }

  @Override
  public List<String> versionIds(String pipelineId, int limit) {
    return reads.versionIds(pipelineId, limit);
  }

  @Override
  public Optional<StepVersion> findStepVersion(String stepVersionId) {
    return findStepVersion(stepVersionId, true);
  }

  @Override
  public Optional<StepVersion> findStepVersionToPlan(String stepVersionId) {
    return findStepVersion(stepVersionId, false);
  }

  @Override
  public Optional<StepProgress> findStepProgress(String stepVersionId) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(SELECT_STEP_PROGRESS)
                .bind("id", stepVersionId)
                .map((row, context) -> RunRows.stepProgress(row))
                .findOne());
  }

  private Optional<StepVersion> findStepVersion(String stepVersionId, boolean boundInputs) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(SELECT_STEP_VERSION)
                .bind("id", stepVersionId)
                .map((row, context) -> RunRows.stepVersion(row, boundInputs))
                .findOne());
  }

  @Override
  public List<String> openVersionIds() {
    return database.withHandle(
        handle -> handle.createQuery(OPEN_VERSION_IDS).mapTo(String.class).list());
  }

  @Override
  public Optional<StepProgress> claimStepWithProgress(
      String stepVersionId,
      int expectedAttempt,
      String nodeId,
      List<InputMapping> boundInputs,
      Instant now) {
    return claims.claim(stepVersionId, expectedAttempt, nodeId, boundInputs, now);
  }

  @Override
  public Optional<StepProgress> completeStepWithProgress(StepCompletion completion) {
    return claims.complete(completion);
  }

  @Override
  public boolean skipStep(String stepVersionId, String error, Instant now) {
    return claims.skip(stepVersionId, error, now);
  }

  @Override
  public boolean requeueStep(String stepVersionId, int attempt, String reason, Instant now) {
    return claims.requeue(stepVersionId, attempt, FailureCause.WORKER_LOST, reason, null, now);
  }

  @Override
  public boolean requeueAfterFault(
      String stepVersionId, int attempt, String reason, Instant notBefore, Instant now) {
    return claims.requeue(
        stepVersionId, attempt, FailureCause.PLATFORM_FAULT, reason, notBefore, now);
  }

  @Override
  public boolean adoptStep(
      String stepVersionId, int attempt, String fromNode, String toNode, Instant now) {
    return claims.adopt(stepVersionId, attempt, fromNode, toNode, now);
  }

  @Override
  public List<RunningAttempt> runningStepsClaimedBy(String nodeId) {
    return claims.runningClaimedBy(nodeId);
  }

  @Override
  public boolean finishVersion(
      String pipelineVersionId, RunStatus status, String error, Instant now) {
    return claims.finishVersion(pipelineVersionId, status, error, now);
  }

  @Override
  public List<StepVersion> runningStepsOfDeadNodes(Instant staleBefore) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(RUNNING_STEPS_OF_DEAD_NODES)
                .bind("staleBefore", staleBefore.toEpochMilli())
                .map((row, context) -> RunRows.stepVersion(row))
                .list());
  }

  @Override
  public void heartbeatNode(String nodeId, Instant now) {
    database.inTransaction(
        handle ->
            handle
                .createUpdate(HEARTBEAT_NODE)
                .bind("id", nodeId)
                .bind("now", now.toEpochMilli())
                .execute());
  }

  @Override
  public List<StatusChange> history(String stepVersionId) {
    return database.withHandle(handle -> StatusHistory.ofStep(handle, stepVersionId));
  }

  private static PreparedBatch bindStepVersion(
      PreparedBatch batch, String versionId, StepVersion step) {
    return DefinitionRows.bindRetry(batch, step.retry())
        .bind("id", step.id())
        .bind("pipelineVersionId", versionId)
        .bind("pipelineId", step.pipelineId())
        .bind("pipelineStepId", step.pipelineStepId())
        .bind("stepName", step.stepName())
        .bind("position", step.position())
        .bind("pythonFunctionId", step.pythonFunctionId())
        .bind("functionName", step.functionName())
        .bind("sourceCode", step.sourceCode())
        .bind("inputs", JsonColumns.write(step.inputs()))
        .bind("outputs", JsonColumns.write(step.outputs()))
        .bind("dependencies", JsonColumns.write(step.dependencies()))
        .bind("packageRequirements", JsonColumns.write(step.packageRequirements()))
        .bind("modules", JsonColumns.write(step.modules()))
        .bind("cpuSize", Columns.name(step.cpuSize()))
        .bind("memoryGb", step.memoryGb())
        .bind("timeoutMinutes", step.timeoutMinutes())
        .bind("createdAt", millis(step.createdAt()))
        .bind("updatedAt", millis(step.updatedAt()));
  }

  private static void bindCreated(
      PreparedBatch history, String stepVersionId, String versionId, Enum<?> status, Instant at) {
    history
        .bind("stepVersionId", stepVersionId)
        .bind("pipelineVersionId", versionId)
        .bind("attempt", 0)
        .bind("status", status.name())
        .bind("reason", (String) null)
        .bind("at", at.toEpochMilli())
        .add();
  }

  @Override
  public List<StepAttempt> attempts(String stepVersionId) {
    return database.withHandle(handle -> StepAttempts.of(handle, stepVersionId));
  }

  @Override
  public List<Artifact> artifacts(String pipelineVersionId) {
    return database.withHandle(handle -> ArtifactRows.ofVersion(handle, pipelineVersionId));
  }

  @Override
  public List<Artifact> artifactsOfStep(String stepVersionId) {
    return database.withHandle(handle -> ArtifactRows.ofStep(handle, stepVersionId));
  }

  @Override
  public Optional<Artifact> findArtifact(String artifactId) {
    return database.withHandle(handle -> ArtifactRows.byId(handle, artifactId));
  }

  @Override
  public Map<String, List<StepAttempt>> attemptsOfVersion(String pipelineVersionId) {
    return database.withHandle(handle -> StepAttempts.ofVersion(handle, pipelineVersionId));
  }

  @Override
  public List<RunningAttempt> resetSteps(
      String pipelineVersionId, Collection<String> stepVersionIds, String reason, Instant now) {
    return control.reset(pipelineVersionId, stepVersionIds, reason, now);
  }

  @Override
  public List<RunningAttempt> cancelVersion(String pipelineVersionId, String reason, Instant now) {
    return control.cancel(pipelineVersionId, reason, now);
  }

  @Override
  public int skipPendingSteps(String pipelineVersionId, String reason, Instant now) {
    return control.skipPending(pipelineVersionId, reason, now);
  }

  @Override
  public boolean retryStep(StepCompletion failed, Instant notBefore, String reason) {
    return control.retry(failed, notBefore, reason);
  }

  @Override
  public boolean admitVersion(String pipelineVersionId, Instant now) {
    return control.admit(pipelineVersionId, now);
  }

  @Override
  public List<String> queuedVersionIds(String pipelineId) {
    return control.queued(pipelineId);
  }

  @Override
  public List<String> prunableVersionIds(Instant olderThan, int keepLast, int limit) {
    return retention.prunable(olderThan, keepLast, limit);
  }

  @Override
  public boolean deleteVersion(String pipelineVersionId) {
    return retention.delete(pipelineVersionId);
  }

  @Override
  public List<String> deletedVersionIds(Instant since) {
    return retention.deletedSince(since);
  }

  @Override
  public void forgetDeletedBefore(Instant before) {
    retention.forgetDeletedBefore(before);
  }

  @Override
  public boolean retentionAlone(Runnable pass) {
    return retention.alone(pass);
  }
}
