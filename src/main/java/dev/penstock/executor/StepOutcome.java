package dev.penstock.executor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.FailureCause;

/**
 * How one attempt ended. Either {@code succeeded} with {@code returned} (the function's return
 * value as JSON; NullNode for None), or failed with a {@code cause} and an {@code error} text for
 * the user (for USER_CODE: exception type, message and the traceback of the user's frames). {@code
 * exitCode} is the process's exit code when known. An OUTPUT_ERROR means the value could not cross
 * the process boundary (not JSON-serializable); {@code error} then says why. {@code
 * environmentMillis} is the time spent getting the step's Python environment ready (building a
 * virtual environment for its packageRequirements, or about 0 when it was cached or none was
 * needed); null when the attempt never got that far.
 */
public record StepOutcome(
    boolean succeeded,
    JsonNode returned,
    FailureCause cause,
    String error,
    Integer exitCode,
    Long environmentMillis) {

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
    return new StepOutcome(succeeded, returned, cause, error, exitCode, millis);
  }
}
