package dev.penstock.model;

/**
 * How a step retries a failed attempt (Penstock extension): up to {@code retries} more attempts,
 * the n-th after {@code delaySeconds * backoff^(n-1)} seconds, on any failure or on timeouts only.
 */
public record StepRetry(int retries, double delaySeconds, double backoff, RetryOn retryOn) {
  public static final StepRetry NONE = new StepRetry(0, 0, 1, RetryOn.ANY);

  /** Which failures a step retries. */
  public enum RetryOn {
    ANY,
    TIMEOUT
  }
}
