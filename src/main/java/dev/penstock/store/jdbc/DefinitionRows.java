package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.Columns.enumValue;
import static dev.penstock.store.jdbc.Columns.instant;
import static dev.penstock.store.jdbc.Columns.nullableInt;

import dev.penstock.model.CpuSize;
import dev.penstock.model.Isolation;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.PythonFunction;
import dev.penstock.model.StepPlacement;
import dev.penstock.model.StepRetry;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * Maps rows of python_function, pipeline and pipeline_step to the model. Stateless and thread-safe.
 */
final class DefinitionRows {
  /** Prefix of the python_function columns when they are joined to a pipeline_step row. */
  static final String FUNCTION_PREFIX = "f_";

  private DefinitionRows() {}

  static PythonFunction function(ResultSet row) throws SQLException {
    return function(row, "");
  }

  static PythonFunction function(ResultSet row, String prefix) throws SQLException {
    return new PythonFunction(
        row.getString(prefix + "id"),
        row.getString(prefix + "name"),
        row.getString(prefix + "function_name"),
        row.getString(prefix + "source_code"),
        row.getString(prefix + "function_type"),
        JsonColumns.inputs(row.getString(prefix + "inputs")),
        JsonColumns.outputs(row.getString(prefix + "outputs")),
        JsonColumns.strings(row.getString(prefix + "package_requirements")),
        row.getString(prefix + "description"),
        JsonColumns.tree(row.getString(prefix + "examples")),
        JsonColumns.tree(row.getString(prefix + "connectors")),
        nullableInt(row, prefix + "timeout_seconds"),
        row.getString(prefix + "owner_step_id"),
        instant(row, prefix + "created_at"),
        instant(row, prefix + "updated_at"));
  }

  static Pipeline pipeline(ResultSet row) throws SQLException {
    return new Pipeline(
        row.getString("id"),
        row.getString("name"),
        row.getString("project_id"),
        row.getString("cron"),
        row.getInt("is_prod") != 0,
        JsonColumns.inputs(row.getString("variables")),
        nullableInt(row, "max_concurrent_runs"),
        instant(row, "created_at"),
        instant(row, "updated_at"),
        row.getInt("schedule_paused") != 0,
        instant(row, "next_run_at"),
        Isolation.fromWire(row.getString("isolation")).orElse(null),
        placement(row, ""));
  }

  /**
   * The placement columns, which pipeline and pipeline_version rows share; {@code prefix} prefixes
   * their names.
   */
  static StepPlacement placement(ResultSet row, String prefix) throws SQLException {
    return new StepPlacement(
        StepPlacement.Executor.fromWire(row.getString(prefix + "executor")).orElse(null),
        row.getString(prefix + "step_image"));
  }

  /** Binds the placement columns {@link #placement} reads, as :executor and :stepImage. */
  static <S extends SqlStatement<S>> S bindPlacement(S statement, StepPlacement placement) {
    return statement
        .bind("executor", placement.executor() == null ? null : placement.executor().wireName())
        .bind("stepImage", placement.image());
  }

  /** A pipeline_step row joined with its function's columns under {@link #FUNCTION_PREFIX}. */
  static PipelineStep step(ResultSet row) throws SQLException {
    return new PipelineStep(
        row.getString("id"),
        row.getString("pipeline_id"),
        row.getString("name"),
        row.getString(FUNCTION_PREFIX + "id") == null ? null : function(row, FUNCTION_PREFIX),
        JsonColumns.strings(row.getString("dependencies")),
        enumValue(CpuSize.class, row.getString("cpu_size")),
        row.getInt("memory_gb"),
        row.getInt("timeout_minutes"),
        retry(row),
        instant(row, "created_at"),
        instant(row, "updated_at"));
  }

  /** The retry columns, which step and step_version rows share. */
  static StepRetry retry(ResultSet row) throws SQLException {
    return new StepRetry(
        row.getInt("retries"),
        row.getDouble("retry_delay_seconds"),
        row.getDouble("retry_backoff"),
        enumValue(StepRetry.RetryOn.class, row.getString("retry_on")));
  }

  /** Binds the retry columns {@link #retry} reads, by their names in the SQL. */
  static <S extends SqlStatement<S>> S bindRetry(S statement, StepRetry retry) {
    return statement
        .bind("retries", retry.retries())
        .bind("retryDelaySeconds", retry.delaySeconds())
        .bind("retryBackoff", retry.backoff())
        .bind("retryOn", retry.retryOn().name());
  }
}
