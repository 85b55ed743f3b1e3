package dev.penstock.store;

import dev.penstock.model.Artifact;
import dev.penstock.model.FailureCause;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.StepStatus;
import java.time.Instant;
import java.util.List;

/**
 * The end of one attempt of a step: COMPLETE with outputs, or FAILED with an error and a cause.
 * {@code outputs} may be null (nothing returned); {@code outputErrors} and {@code cause} are null
 * on success. {@code artifacts} are what a COMPLETE attempt produced by reference, their files
 * already whole under the run's directory: they are recorded with the completion, or not at all.
 */
public record StepCompletion(
    String stepVersionId,
    int attempt,
    StepStatus status,
    List<OutputMapping> outputs,
    String outputErrors,
    String error,
    FailureCause cause,
    Instant at,
    List<Artifact> artifacts) {

  public StepCompletion {
    artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
  }

  /** A completion that produced nothing by reference. */
  public StepCompletion(
      String stepVersionId,
      int attempt,
      StepStatus status,
      List<OutputMapping> outputs,
      String outputErrors,
      String error,
      FailureCause cause,
      Instant at) {
    this(stepVersionId, attempt, status, outputs, outputErrors, error, cause, at, List.of());
  }
}
