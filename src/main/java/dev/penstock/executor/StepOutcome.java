package dev.penstock.executor;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.FailureCause;

/**
 * How one attempt ended. Either {@code succeeded} with {@code returned} (the function's return
 * value as JSON; NullNode for None), or failed with a {@code cause} and an {@code error} text for
 * the user (for USER_CODE: exception type, message and the traceback of the user's frames). {@code
 * exitCode} is the process's exit code when known. An OUTPUT_ERROR means the value could not cross
 * the process boundary (not JSON-serializable); {@code error} then says why.
 */
public record StepOutcome(
    boolean succeeded, JsonNode returned, FailureCause cause, String error, Integer exitCode) {

  public static StepOutcome success(JsonNode returned, Integer exitCode) {
    return new StepOutcome(true, returned, null, null, exitCode);
  }

  public static StepOutcome failure(FailureCause cause, String error, Integer exitCode) {
    return new StepOutcome(false, null, cause, error, exitCode);
  }
}
