package dev.penstock.engine.definition;

import dev.penstock.model.FailureCause;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.StepRetry;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/** Validates retry settings and decides whether a failed attempt is retried. Pure, thread-safe. */
public final class RetrySpec {
  static final int MAX_RETRIES = 100;
  static final double MAX_DELAY_SECONDS = 7 * 24 * 3600;

  private RetrySpec() {}

  /** The spec's retry settings over {@code current}, validated. */
  static StepRetry merge(StepSpec spec, StepRetry current) {
    int retries = spec.retries() != null ? spec.retries() : current.retries();
    double delay =
        spec.retryDelaySeconds() != null ? spec.retryDelaySeconds() : current.delaySeconds();
    double backoff = spec.retryBackoff() != null ? spec.retryBackoff() : current.backoff();
    if (retries < 0 || retries > MAX_RETRIES) {
      throw new InvalidParameterException(
          "retries must be between 0 and " + MAX_RETRIES + ", not " + retries);
    }
    if (!(delay >= 0 && delay <= MAX_DELAY_SECONDS)) {
      throw new InvalidParameterException(
          "retryDelay must be between 0 and "
              + (long) MAX_DELAY_SECONDS
              + " seconds, not "
              + delay);
    }
    if (!(backoff >= 1 && backoff <= 100)) {
      throw new InvalidParameterException("retryBackoff must be between 1 and 100, not " + backoff);
    }
    return new StepRetry(retries, delay, backoff, retryOn(spec.retryOn(), current.retryOn()));
  }

  private static StepRetry.RetryOn retryOn(String text, StepRetry.RetryOn current) {
    if (text == null) {
      return current;
    }
    return switch (text.trim().toUpperCase(Locale.ROOT)) {
      case "ANY", "ANY_FAILURE" -> StepRetry.RetryOn.ANY;
      case "TIMEOUT", "TIMEOUTS" -> StepRetry.RetryOn.TIMEOUT;
      default ->
          throw new InvalidParameterException(
              "retryOn '" + text + "' is not one of ANY (any failure) or TIMEOUT (timeouts only)");
    };
  }

  /**
   * The delay before the next attempt when a failure with {@code cause} is retried, having already
   * retried {@code failuresSoFar} times; empty when the step fails for good. Bad input never
   * changes by retrying, so it is never retried.
   */
  public static Optional<Duration> retryDelay(
      StepRetry retry, int failuresSoFar, FailureCause cause) {
    if (failuresSoFar >= retry.retries() || cause == null || cause == FailureCause.BAD_INPUT) {
      return Optional.empty();
    }
    if (retry.retryOn() == StepRetry.RetryOn.TIMEOUT && cause != FailureCause.TIMED_OUT) {
      return Optional.empty();
    }
    double seconds = retry.delaySeconds() * Math.pow(retry.backoff(), failuresSoFar);
    return Optional.of(Duration.ofMillis(Math.round(Math.min(seconds, MAX_DELAY_SECONDS) * 1000)));
  }
}
