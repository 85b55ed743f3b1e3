package dev.penstock.executor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.FailureCause;
import java.util.List;

/**
 * How one attempt ended. Either {@code succeeded} with {@code returned} (the function's return
 * value as JSON; NullNode for None), or failed with a {@code cause} and an {@code error} text for
 * the user (for USER_CODE: exception type, message and the traceback of the user's frames). {@code
 * exitCode} is the process's exit code when known. An OUTPUT_ERROR means the value could not cross
 * the process boundary (not JSON-serializable); {@code error} then says why. {@code
 * environmentMillis} is the time spent getting the step's Python environment ready (building a
 * virtual environment for its packageRequirements, or about 0 when it was cached or none was
 * needed); null when the attempt never got that far. A success's {@code references} say which
 * outputs the runner stored by reference (by output name, or "" for the whole return value, whose
 * place in {@code returned} is null), each naming one of the {@code files} the executor kept.
 */
public record StepOutcome(
    boolean succeeded,
    JsonNode returned,
    FailureCause cause,
    String error,
    Integer exitCode,
    Long environmentMillis,
    JsonNode references,
    List<ProducedFile> files) {

  public StepOutcome {
    files = files == null ? List.of() : List.copyOf(files);
  }

  public StepOutcome(
      boolean succeeded,
      JsonNode returned,
      FailureCause cause,
      String error,
      Integer exitCode,
      Long environmentMillis) {
    this(succeeded, returned, cause, error, exitCode, environmentMillis, null, List.of());
  }

  public StepOutcome(
      boolean succeeded, JsonNode returned, FailureCause cause, String error, Integer exitCode) {
    this(succeeded, returned, cause, error, exitCode, null);
  }

  public static StepOutcome success(JsonNode returned, Integer exitCode) {
    return new StepOutcome(true, returned, null, null, exitCode);
  }

  public static StepOutcome failure(FailureCause cause, String error, Integer exitCode) {
    return new StepOutcome(false, null, cause, error, exitCode);
  }

  /** This outcome, saying how long getting the environment took. */
  public StepOutcome withEnvironmentMillis(Long millis) {
    return new StepOutcome(succeeded, returned, cause, error, exitCode, millis, references, files);
  }

  /** This success, with what the runner stored by reference. */
  public StepOutcome withReferences(JsonNode stored) {
    return new StepOutcome(
        succeeded, returned, cause, error, exitCode, environmentMillis, stored, files);
  }

  /** This outcome, with the files the executor kept for it. */
  public StepOutcome withFiles(List<ProducedFile> kept) {
    return new StepOutcome(
        succeeded, returned, cause, error, exitCode, environmentMillis, references, kept);
  }
}
