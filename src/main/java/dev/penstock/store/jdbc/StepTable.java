package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.Columns.millis;

import dev.penstock.model.NotFoundException;
import dev.penstock.model.PipelineStep;
import dev.penstock.store.StepStamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The SQL of the pipeline_step table, each step with the function it owns (through {@link
 * FunctionTable}). Thread-safe: stateless beyond the database it is given.
 */
final class StepTable {
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
             retry_on = :retryOn, updated_at = :updatedAt, revision = revision + 1
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
  private static final String STEP_STAMPS =
      """
      SELECT s.id, s.revision, f.revision AS f_revision
        FROM pipeline_step s LEFT JOIN python_function f ON f.id = s.python_function_id
       WHERE s.pipeline_id = :pipelineId ORDER BY s.position
      """;
  private static final String STEP_DEPENDENCIES =
      "SELECT name, dependencies FROM pipeline_step WHERE pipeline_id = :pipelineId"
          + " ORDER BY position";

  private final Database database;
  private final FunctionTable functions;

  StepTable(Database database, FunctionTable functions) {
    this.database = database;
    this.functions = functions;
  }

  void create(PipelineStep step) {
    database.inTransaction(handle -> insertStep(handle, step));
  }

  void createAll(List<PipelineStep> steps) {
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

  void update(PipelineStep step) {
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

  boolean delete(String pipelineStepId) {
    return database.inTransaction(
        handle -> {
          functions.deleteOwnedBy(handle, pipelineStepId);
          return handle.createUpdate(DELETE_STEP).bind("id", pipelineStepId).execute() > 0;
        });
  }

  Optional<PipelineStep> find(String pipelineStepId) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(SELECT_STEP_BY_ID)
                .bind("id", pipelineStepId)
                .map((row, context) -> DefinitionRows.step(row))
                .findOne());
  }

  Optional<PipelineStep> findByName(String pipelineId, String stepName) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(SELECT_STEP_BY_NAME)
                .bind("pipelineId", pipelineId)
                .bind("name", stepName)
                .map((row, context) -> DefinitionRows.step(row))
                .findOne());
  }

  Map<String, List<String>> dependencies(String pipelineId) {
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

  List<PipelineStep> list(String pipelineId) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(LIST_STEPS)
                .bind("pipelineId", pipelineId)
                .map((row, context) -> DefinitionRows.step(row))
                .list());
  }

  List<StepStamp> stamps(String pipelineId) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(STEP_STAMPS)
                .bind("pipelineId", pipelineId)
                .map(
                    (row, context) ->
                        new StepStamp(
                            row.getString("id"),
                            row.getLong("revision"),
                            row.getLong("f_revision")))
                .list());
  }

  private static <S extends SqlStatement<S>> S bindFields(S statement, PipelineStep step) {
    return DefinitionRows.bindRetry(statement, step.retry())
        .bind("name", step.name())
        .bind("dependencies", JsonColumns.write(step.dependencies()))
        .bind("cpuSize", Columns.name(step.cpuSize()))
        .bind("memoryGb", step.memoryGb())
        .bind("timeoutMinutes", step.timeoutMinutes())
        .bind("updatedAt", millis(step.updatedAt()));
  }

  private static String alreadyExists(PipelineStep step) {
    return "A step named '" + step.name() + "' already exists in this pipeline";
  }
}
