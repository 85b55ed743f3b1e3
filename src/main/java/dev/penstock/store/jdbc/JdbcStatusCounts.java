package dev.penstock.store.jdbc;

import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import dev.penstock.store.StatusCounts;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Grouped counts on {@code pipeline_version_by_status} and {@code step_version_by_status_node},
 * which lead with the status, so each count reads an index, not the rows. Thread-safe.
 */
final class JdbcStatusCounts implements StatusCounts {
  private static final String RUNS =
      "SELECT status, COUNT(*) AS n FROM pipeline_version GROUP BY status";
  private static final String STEPS =
      "SELECT status, COUNT(*) AS n FROM step_version GROUP BY status";

  private final Database database;

  JdbcStatusCounts(Database database) {
    this.database = database;
  }

  @Override
  public Map<RunStatus, Long> runsByStatus() {
    return count(RUNS, RunStatus.class, RunStatus::valueOf);
  }

  @Override
  public Map<StepStatus, Long> stepsByStatus() {
    return count(STEPS, StepStatus.class, StepStatus::valueOf);
  }

  @Override
  public void ping() {
    database.withHandle(handle -> handle.createQuery("SELECT 1").mapTo(Integer.class).one());
  }

  private <S extends Enum<S>> Map<S, Long> count(
      String sql, Class<S> type, Function<String, S> status) {
    return database.withHandle(
        handle ->
            handle
                .createQuery(sql)
                .reduceRows(
                    new EnumMap<S, Long>(type),
                    (counts, row) -> {
                      counts.put(
                          status.apply(row.getColumn("status", String.class)),
                          row.getColumn("n", Long.class));
                      return counts;
                    }));
  }
}
