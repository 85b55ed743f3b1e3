package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.Columns.enumValue;
import static dev.penstock.store.jdbc.Columns.instant;

import dev.penstock.model.CpuSize;
import dev.penstock.model.FailureCause;
import dev.penstock.model.Isolation;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.RunTrigger;
import dev.penstock.model.StepProgress;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.StatusChange;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps rows of pipeline_version, step_version and status_history to the model. Stateless and
 * thread-safe.
 */
final class RunRows {
  /** Prefix of the pipeline_version columns when its step_version rows are joined to it. */
  static final String VERSION_PREFIX = "v_";

  private RunRows() {}

  /**
   * Reads versions joined with their step versions (step columns unprefixed and null when a version
   * has none), one row per step, each version's rows together: the versions in row order. The
   * steps' bound inputs only if {@code boundInputs}, else null and not even parsed.
   */
  static List<PipelineVersion> versionsWithSteps(ResultSet rows, boolean boundInputs)
      throws SQLException {
    Map<String, PipelineVersion> versions = new LinkedHashMap<>();
    Map<String, List<StepVersion>> steps = new LinkedHashMap<>();
    while (rows.next()) {
      String versionId = rows.getString(VERSION_PREFIX + "id");
      if (!versions.containsKey(versionId)) {
        versions.put(versionId, version(rows, VERSION_PREFIX));
        steps.put(versionId, new ArrayList<>());
      }
      if (rows.getString("id") != null) {
        steps.get(versionId).add(stepVersion(rows, boundInputs));
      }
    }
    var result = new ArrayList<PipelineVersion>(versions.size());
    versions.forEach((id, version) -> result.add(version.withSteps(steps.get(id))));
    return result;
  }

  /** A pipeline_version row, without steps; {@code p} prefixes its column names. */
  static PipelineVersion version(ResultSet row, String p) throws SQLException {
    return new PipelineVersion(
        row.getString(p + "id"),
        row.getString(p + "pipeline_id"),
        row.getString(p + "pipeline_name"),
        enumValue(RunStatus.class, row.getString(p + "status")),
        row.getString(p + "error"),
        enumValue(RunTrigger.class, row.getString(p + "trigger")),
        JsonColumns.inputs(row.getString(p + "variables")),
        instant(row, p + "created_at"),
        instant(row, p + "updated_at"),
        instant(row, p + "started_at"),
        instant(row, p + "completed_at"),
        List.of(),
        Isolation.fromWire(row.getString(p + "isolation")).orElse(null),
        DefinitionRows.placement(row, p));
  }

  static StepVersion stepVersion(ResultSet row) throws SQLException {
    return stepVersion(row, true);
  }

  /**
   * As above; the steps' bound inputs only if {@code boundInputs}, else null and not even parsed.
   */
  static StepVersion stepVersion(ResultSet row, boolean boundInputs) throws SQLException {
    StepProgress progress = stepProgress(row);
    return new StepVersion(
        row.getString("id"),
        row.getString("pipeline_version"),
        row.getString("pipeline_id"),
        row.getString("pipeline_step_id"),
        row.getString("step_name"),
        row.getInt("position"),
        row.getString("python_function_id"),
        row.getString("function_name"),
        row.getString("source_code"),
        JsonColumns.inputs(row.getString("inputs")),
        JsonColumns.outputs(row.getString("outputs")),
        JsonColumns.strings(row.getString("dependencies")),
        JsonColumns.strings(row.getString("package_requirements")),
        JsonColumns.stringMap(row.getString("modules")),
        enumValue(CpuSize.class, row.getString("cpu_size")),
        row.getInt("memory_gb"),
        row.getInt("timeout_minutes"),
        DefinitionRows.retry(row),
        progress.status(),
        progress.attempt(),
        progress.claimedBy(),
        boundInputs ? JsonColumns.inputs(row.getString("bound_inputs")) : null,
        progress.outputValues(),
        progress.outputErrors(),
        progress.error(),
        progress.failureCause(),
        progress.failures(),
        progress.notBefore(),
        instant(row, "created_at"),
        progress.updatedAt(),
        progress.startedAt(),
        progress.completedAt());
  }

  /** The columns {@link #stepProgress(ResultSet, List)} reads: all of the progress but outputs. */
  static final String PROGRESS_COLUMNS_BUT_OUTPUTS =
      "status, attempt, claimed_by, output_errors, error, failure_cause, failures, not_before,"
          + " updated_at, started_at, completed_at";

  /** The columns {@link #stepProgress(ResultSet)} reads. */
  static final String PROGRESS_COLUMNS = PROGRESS_COLUMNS_BUT_OUTPUTS + ", output_values";

  static StepProgress stepProgress(ResultSet row) throws SQLException {
    return stepProgress(row, JsonColumns.outputs(row.getString("output_values")));
  }

  /** The progress with {@code outputValues} as the caller knows them, not parsed again. */
  static StepProgress stepProgress(ResultSet row, List<OutputMapping> outputValues)
      throws SQLException {
    return new StepProgress(
        enumValue(StepStatus.class, row.getString("status")),
        row.getInt("attempt"),
        row.getString("claimed_by"),
        outputValues,
        row.getString("output_errors"),
        row.getString("error"),
        enumValue(FailureCause.class, row.getString("failure_cause")),
        row.getInt("failures"),
        instant(row, "not_before"),
        instant(row, "updated_at"),
        instant(row, "started_at"),
        instant(row, "completed_at"));
  }

  static StatusChange statusChange(ResultSet row) throws SQLException {
    return new StatusChange(
        row.getInt("attempt"),
        row.getString("status"),
        row.getString("reason"),
        instant(row, "at"));
  }
}
