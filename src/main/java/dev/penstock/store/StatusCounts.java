package dev.penstock.store;

import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import java.util.Map;

/**
 * How many runs and step versions the store holds in each status, for the server's metrics. Each
 * call is one grouped count on an index that leads with the status. Thread-safe.
 */
public interface StatusCounts {

  /** Runs (PipelineVersions) by status; a status no run has is absent. */
  Map<RunStatus, Long> runsByStatus();

  /** Step versions of every run by status; a status no step version has is absent. */
  Map<StepStatus, Long> stepsByStatus();

  /** Runs a query that reads nothing; throws StoreException when the database does not answer. */
  void ping();
}
