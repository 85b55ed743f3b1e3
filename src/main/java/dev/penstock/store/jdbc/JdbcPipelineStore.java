package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.Columns.millis;

import dev.penstock.model.ConflictException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.PythonFunction;
import dev.penstock.store.PipelineStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/** PipelineStore on SQLite or PostgreSQL. Thread-safe. */
public final class JdbcPipelineStore implements PipelineStore {
  private static final String INSERT_PIPELINE =
      """
      INSERT INTO pipeline (id, name, project_id, cron, is_prod, variables, max_concurrent_runs,
          created_at, updated_at, schedule_paused, next_run_at, isolation)
      VALUES (:id, :name, :projectId, :cron, :isProd, :variables, :maxConcurrentRuns,
          :createdAt, :updatedAt, :schedulePaused, :nextRunAt, :isolation)
      """;
  private static final String UPDATE_PIPELINE =
      """
      UPDATE pipeline
         SET name = :name, project_id = :projectId, is_prod = :isProd,
             variables = :variables, max_concurrent_runs = :maxConcurrentRuns,
             isolation = :isolation, updated_at = :updatedAt
       WHERE id = :id
      """;
  private static final String SELECT_PIPELINE_BY_ID = "SELECT * FROM pipeline WHERE id = :key";
  private static final String SELECT_PIPELINE_BY_NAME = "SELECT * FROM pipeline WHERE name = :key";
  private static final String LIST_ALL_PIPELINES = "SELECT * FROM pipeline ORDER BY created_at, id";
  private static final String LIST_PROJECT_PIPELINES =
      "SELECT * FROM pipeline WHERE project_id = :projectId ORDER BY created_at, id";
  private static final String ALL_PIPELINE_IDS = "SELECT id FROM pipeline ORDER BY created_at, id";
  private static final String PROJECT_PIPELINE_IDS =
      "SELECT id FROM pipeline WHERE project_id = :projectId ORDER BY created_at, id";
  private static final String VERSIONS_OF_PIPELINE =
      "SELECT id FROM pipeline_version WHERE pipeline_id = :pipelineId";
  // Children before parents, so that the foreign keys hold after every statement.
  private static final List<String> DELETE_PIPELINE =
      List.of(
          "DELETE FROM status_history WHERE pipeline_version IN (" + VERSIONS_OF_PIPELINE + ")",
          "DELETE FROM step_attempt WHERE pipeline_version IN (" + VERSIONS_OF_PIPELINE + ")",
          "DELETE FROM step_version WHERE pipeline_version IN (" + VERSIONS_OF_PIPELINE + ")",
          "DELETE FROM pipeline_version WHERE pipeline_id = :pipelineId",
          """
          DELETE FROM python_function
           WHERE owner_step_id IN (SELECT id FROM pipeline_step WHERE pipeline_id = :pipelineId)
          """,
          "DELETE FROM pipeline_step WHERE pipeline_id = :pipelineId");
  private static final String DELETE_PIPELINE_ROW = "DELETE FROM pipeline WHERE id = :pipelineId";
  private static final String OPEN_VERSION_OF_PIPELINE =
      """
      SELECT id FROM pipeline_version
       WHERE pipeline_id = :pipelineId AND status IN ('PENDING', 'RUNNING')
       ORDER BY created_at, id
       LIMIT 1
      """;

  private static final String INSERT_STEP =
      """
      INSERT INTO pipeline_step (id, pipeline_id, name, position, python_function_id, dependencies,
          cpu_size, memory_gb, timeout_minutes, retries, retry_delay_seconds, retry_backoff,
          retry_on, created_at, updated_at)
      VALUES (:id, :pipelineId, :name,
          (SELECT COALESCE(MAX(position), 0) + 1 FROM pipeline_step
            WHERE pipeline_id = :pipelineId),
          :functionId, :dependencies, :cpuSize, :memoryGb, :timeoutMinutes, :retries,
          :retryDelaySeconds, :retryBackoff, :retryOn, :createdAt, :updatedAt)
      """;
  private static final String UPDATE_STEP =
      """
      UPDATE pipeline_step
         SET name = :name, dependencies = :dependencies, cpu_size = :cpuSize,
             memory_gb = :memoryGb, timeout_minutes = :timeoutMinutes, retries = :retries,
             retry_delay_seconds = :retryDelaySeconds, retry_backoff = :retryBackoff,
             retry_on = :retryOn, updated_at = :updatedAt
       WHERE id = :id
      """;
  private static final String DELETE_STEP = "DELETE FROM pipeline_step WHERE id = :id";
  private static final String SELECT_STEPS =
      """
      SELECT s.*, f.id AS f_id, f.name AS f_name, f.function_name AS f_function_name,
             f.source_code AS f_source_code, f.function_type AS f_function_type,
             f.inputs AS f_inputs, f.outputs AS f_outputs,
             f.package_requirements AS f_package_requirements, f.description AS f_description,
             f.examples AS f_examples, f.connectors AS f_connectors,
             f.timeout_seconds AS f_timeout_seconds, f.owner_step_id AS f_owner_step_id,
             f.created_at AS f_created_at, f.updated_at AS f_updated_at
        FROM pipeline_step s LEFT JOIN python_function f ON f.id = s.python_function_id
      """;
  private static final String SELECT_STEP_BY_ID = SELECT_STEPS + " WHERE s.id = :id";
  private static final String SELECT_STEP_BY_NAME =
      SELECT_STEPS + " WHERE s.pipeline_id = :pipelineId AND s.name = :name";
  private static final String LIST_STEPS =
      SELECT_STEPS + " WHERE s.pipeline_id = :pipelineId ORDER BY s.position";
  private static final String STEP_DEPENDENCIES =
      "SELECT name, dependencies FROM pipeline_step WHERE pipeline_id = :pipelineId"
          + " ORDER BY position";

  private final Database database;
  private final FunctionTable functions;
  private final ScheduleTable schedules;

  JdbcPipelineStore(Database database) {
    this.database = database;
    this.functions = new FunctionTable(database);
    this.schedules = new ScheduleTable(database);
  }

  @Override
  public void createFunction(PythonFunction function) {
    database.inTransaction(
        handle -> {
          functions.insert(handle, function, function.ownerStepId());
          return null;
        });
  }

  @Override
  public void updateFunction(PythonFunction function) {
    database.inTransaction(
        handle -> {
          functions.update(handle, function);
          return null;
        });
  }

  @Override
  public boolean deleteFunction(String name) {
    return database.inTransaction(handle -> functions.deleteByName(handle, name));
  }

  @Override
  public Optional<PythonFunction> findFunctionByName(String name) {
    return database.withHandle(handle -> functions.findByName(handle, name));
  }

  @Override
  public Optional<PythonFunction> findFunction(String id) {
    return database.withHandle(handle -> functions.findById(handle, id));
  }

  @Override
  public List<PythonFunction> listFunctions(String functionType) {
    return database.withHandle(handle -> functions.list(handle, functionType));
  }

  @Override
  public void createPipeline(Pipeline pipeline) {
    database.inTransaction(
        handle -> {
          var insert =
              handle
                  .createUpdate(INSERT_PIPELINE)
                  .bind("id", pipeline.id())
                  .bind("cron", pipeline.cron())
                  .bind("schedulePaused", pipeline.schedulePaused() ? 1 : 0)
                  .bind("nextRunAt", millis(pipeline.nextRunAt()))
                  .bind("createdAt", millis(pipeline.createdAt()));
          return database.execute(bindFields(insert, pipeline), alreadyExists(pipeline), null);
        });
  }

  @Override
  public void updatePipeline(Pipeline pipeline) {
    int updated =
        database.inTransaction(
            handle -> {
              var update = handle.createUpdate(UPDATE_PIPELINE).bind("id", pipeline.id());
              return database.execute(bindFields(update, pipeline), alreadyExists(pipeline), null);
            });
    if (updated == 0) {
      throw new NotFoundException("No pipeline with id '" + pipeline.id() + "'");
    }
  }

  @Override
  public void setSchedule(
      String pipelineId, String cron, boolean paused, Instant nextRunAt, Instant updatedAt) {
    schedules.set(pipelineId, cron, paused, nextRunAt, updatedAt);
  }

  @Override
  public List<Pipeline> dueSchedules(Instant now) {
    return schedules.due(now);
  }

  @Override
  public boolean claimScheduledRun(String pipelineId, Instant due, Instant next) {
    return schedules.claim(pipelineId, due, next);
  }

  @Override
  public boolean deletePipeline(String pipelineId) {
    return database.inTransaction(
        handle -> {
          // Checked in the deleting transaction, so no run can start between check and delete.
          handle
              .createQuery(OPEN_VERSION_OF_PIPELINE)
              .bind("pipelineId", pipelineId)
              .mapTo(String.class)
              .findOne()
              .ifPresent(
                  open -> {
                    throw new ConflictException(
                        "Pipeline "
                            + pipelineId
                            + " has a run in progress (pipeline version "
                            + open
                            + "): cancel it with cancelPipelineVersion first");
                  });
          for (String delete : DELETE_PIPELINE) {
            handle.createUpdate(delete).bind("pipelineId", pipelineId).execute();
          }
          return handle.createUpdate(DELETE_PIPELINE_ROW).bind("pipelineId", pipelineId).execute()
              > 0;
        });
  }

  @Override
  public Optional<Pipeline> findPipeline(String pipelineId) {
    return findPipeline(SELECT_PIPELINE_BY_ID, pipelineId);
  }

  @Override
  public Optional<Pipeline> findPipelineByName(String pipelineName) {
    return findPipeline(SELECT_PIPELINE_BY_NAME, pipelineName);
  }

  @Override
  public List<Pipeline> listPipelines(String projectId) {
    return database.withHandle(
        handle -> {
          var query =
              projectId == null
                  ? handle.createQuery(LIST_ALL_PIPELINES)
                  : handle.createQuery(LIST_PROJECT_PIPELINES).bind("projectId", projectId);
          return query.map((row, context) -> DefinitionRows.pipeline(row)).list();
        });
  }

  @Override
  public List<String> pipelineIds(String projectId) {
    return database.withHandle(
        handle -> {
          var query =
              projectId == null
                  ? handle.createQuery(ALL_PIPELINE_IDS)
                  : handle.createQuery(PROJECT_PIPELINE_IDS).bind("projectId", projectId);
          return query.mapTo(String.class).list();
        });
  }

  @Override
  public void createStep(PipelineStep step) {
    database.inTransaction(handle -> insertStep(handle, step));
  }

  @Override
  public void createSteps(List<PipelineStep> steps) {
    database.inTransaction(
        handle -> {
          for (PipelineStep step : steps) {
            insertStep(handle, step);
          }
          return null;
        });
  }

  private int insertStep(Handle handle, PipelineStep step) {
    functions.insert(handle, step.function(), step.id());
    var insert =
        handle
            .createUpdate(INSERT_STEP)
            .bind("id", step.id())
            .bind("pipelineId", step.pipelineId())
            .bind("functionId", step.function().id())
            .bind("createdAt", millis(step.createdAt()));
    String missingPipeline = "No pipeline with id '" + step.pipelineId() + "'";
    return database.execute(bindFields(insert, step), alreadyExists(step), missingPipeline);
  }

  @Override
  public void updateStep(PipelineStep step) {
    database.inTransaction(
        handle -> {
          var update = handle.createUpdate(UPDATE_STEP).bind("id", step.id());
          if (database.execute(bindFields(update, step), alreadyExists(step), null) == 0) {
            throw new NotFoundException("No step with id '" + step.id() + "'");
          }
          functions.update(handle, step.function());
          return null;
        });
  }

  @Override
  public boolean deleteStep(String pipelineStepId) {
    return database.inTransaction(
        handle -> {
          functions.deleteOwnedBy(handle, pipelineStepId);
          return handle.createUpdate(DELETE_STEP).bind("id", pipelineStepId).execute() > 0;
        });
  }

  @Override
  public Optional<PipelineStep> findStep(String pipelineStepId) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(SELECT_STEP_BY_ID)
                .bind("id", pipelineStepId)
                .map((row, context) -> DefinitionRows.step(row))
                .findOne());
  }

  @Override
  public Optional<PipelineStep> findStepByName(String pipelineId, String stepName) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(SELECT_STEP_BY_NAME)
                .bind("pipelineId", pipelineId)
                .bind("name", stepName)
                .map((row, context) -> DefinitionRows.step(row))
                .findOne());
  }

  @Override
  public Map<String, List<String>> stepDependencies(String pipelineId) {
    return database.withHandle(
        handle -> {
          var graph = new LinkedHashMap<String, List<String>>();
          handle
              .createQuery(STEP_DEPENDENCIES)
              .bind("pipelineId", pipelineId)
              .map(
                  (row, context) ->
                      graph.put(
                          row.getString("name"),
                          JsonColumns.strings(row.getString("dependencies"))))
              .list();
          return graph;
        });
  }

  @Override
  public List<PipelineStep> listSteps(String pipelineId) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(LIST_STEPS)
                .bind("pipelineId", pipelineId)
                .map((row, context) -> DefinitionRows.step(row))
                .list());
  }

  private Optional<Pipeline> findPipeline(String sql, String key) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(sql)
                .bind("key", key)
                .map((row, context) -> DefinitionRows.pipeline(row))
                .findOne());
  }

  private static <S extends SqlStatement<S>> S bindFields(S statement, Pipeline pipeline) {
    return statement
        .bind("name", pipeline.name())
        .bind("projectId", pipeline.projectId())
        .bind("isProd", pipeline.isProd() ? 1 : 0)
        .bind("variables", JsonColumns.write(pipeline.variables()))
        .bind("maxConcurrentRuns", pipeline.maxConcurrentRuns())
        .bind("isolation", pipeline.isolation() == null ? null : pipeline.isolation().wireName())
        .bind("updatedAt", millis(pipeline.updatedAt()));
  }

  private static <S extends SqlStatement<S>> S bindFields(S statement, PipelineStep step) {
    return statement
        .bind("name", step.name())
        .bind("dependencies", JsonColumns.write(step.dependencies()))
        .bind("cpuSize", Columns.name(step.cpuSize()))
        .bind("memoryGb", step.memoryGb())
        .bind("timeoutMinutes", step.timeoutMinutes())
        .bind("retries", step.retry().retries())
        .bind("retryDelaySeconds", step.retry().delaySeconds())
        .bind("retryBackoff", step.retry().backoff())
        .bind("retryOn", step.retry().retryOn().name())
        .bind("updatedAt", millis(step.updatedAt()));
  }

  private static String alreadyExists(Pipeline pipeline) {
    return "A pipeline named '" + pipeline.name() + "' already exists";
  }

  private static String alreadyExists(PipelineStep step) {
    return "A step named '" + step.name() + "' already exists in this pipeline";
  }
}
