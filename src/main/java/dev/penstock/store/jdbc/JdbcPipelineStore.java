package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.Columns.millis;

import dev.penstock.model.ConflictException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.PythonFunction;
import dev.penstock.store.PipelineStore;
import dev.penstock.store.StepStamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.statement.SqlStatement;

/** PipelineStore on SQLite or PostgreSQL. Thread-safe. */
public final class JdbcPipelineStore implements PipelineStore {
  private static final String INSERT_PIPELINE =
      """
      INSERT INTO pipeline (id, name, project_id, cron, is_prod, variables, max_concurrent_runs,
          created_at, updated_at, schedule_paused, next_run_at, isolation, executor, step_image)
      VALUES (:id, :name, :projectId, :cron, :isProd, :variables, :maxConcurrentRuns,
          :createdAt, :updatedAt, :schedulePaused, :nextRunAt, :isolation, :executor, :stepImage)
      """;
  private static final String UPDATE_PIPELINE =
      """
      UPDATE pipeline
         SET name = :name, project_id = :projectId, is_prod = :isProd,
             variables = :variables, max_concurrent_runs = :maxConcurrentRuns,
             isolation = :isolation, executor = :executor, step_image = :stepImage,
             updated_at = :updatedAt
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
          "DELETE FROM artifact WHERE pipeline_version IN (" + VERSIONS_OF_PIPELINE + ")",
          "DELETE FROM step_log WHERE pipeline_version IN (" + VERSIONS_OF_PIPELINE + ")",
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

  private final Database database;
  private final FunctionTable functions;
  private final ScheduleTable schedules;
  private final StepTable steps;

  JdbcPipelineStore(Database database) {
    this.database = database;
    this.functions = new FunctionTable(database);
    this.schedules = new ScheduleTable(database);
    this.steps = new StepTable(database, functions);
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
          handle
              .createUpdate(JdbcRetention.REMEMBER_DELETED_OF_PIPELINE)
              .bind("pipelineId", pipelineId)
              .bind("now", System.currentTimeMillis())
              .execute();
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
    steps.create(step);
  }

  @Override
  public void createSteps(List<PipelineStep> newSteps) {
    steps.createAll(newSteps);
  }

  @Override
  public void updateStep(PipelineStep step) {
    steps.update(step);
  }

  @Override
  public boolean deleteStep(String pipelineStepId) {
    return steps.delete(pipelineStepId);
  }

  @Override
  public Optional<PipelineStep> findStep(String pipelineStepId) {
    return steps.find(pipelineStepId);
  }

  @Override
  public Optional<PipelineStep> findStepByName(String pipelineId, String stepName) {
    return steps.findByName(pipelineId, stepName);
  }

  @Override
  public Map<String, List<String>> stepDependencies(String pipelineId) {
    return steps.dependencies(pipelineId);
  }

  @Override
  public List<PipelineStep> listSteps(String pipelineId) {
    return steps.list(pipelineId);
  }

  @Override
  public List<StepStamp> stepStamps(String pipelineId) {
    return steps.stamps(pipelineId);
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
    return DefinitionRows.bindPlacement(statement, pipeline.placement())
        .bind("name", pipeline.name())
        .bind("projectId", pipeline.projectId())
        .bind("isProd", pipeline.isProd() ? 1 : 0)
        .bind("variables", JsonColumns.write(pipeline.variables()))
        .bind("maxConcurrentRuns", pipeline.maxConcurrentRuns())
        .bind("isolation", pipeline.isolation() == null ? null : pipeline.isolation().wireName())
        .bind("updatedAt", millis(pipeline.updatedAt()));
  }

  private static String alreadyExists(Pipeline pipeline) {
    return "A pipeline named '" + pipeline.name() + "' already exists";
  }
}
