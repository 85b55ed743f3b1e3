package dev.penstock.executor.local;

import dev.penstock.model.FailureCause;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/** A step's wall-clock timeout, counted from its launch. Thread-safe: stateless. */
final class StepTimeout {
  private StepTimeout() {}

  /**
   * Schedules {@code stop} with TIMED_OUT and "timed out after N minutes" once {@code timeout} has
   * passed; null (nothing scheduled) when there is no timeout. Cancel the result when the step
   * ends.
   */
  static ScheduledFuture<?> schedule(
      ScheduledExecutorService timer, Duration timeout, BiConsumer<FailureCause, String> stop) {
    if (timeout == null || !timeout.isPositive()) {
      return null;
    }
    return timer.schedule(
        () -> stop.accept(FailureCause.TIMED_OUT, "timed out after " + describe(timeout)),
        timeout.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  /** "2 minutes", "1 minute", "90 seconds", "1.5 seconds". */
  static String describe(Duration duration) {
    if (duration.toNanosPart() == 0 && duration.toSecondsPart() == 0 && duration.toMinutes() > 0) {
      long minutes = duration.toMinutes();
      return minutes + (minutes == 1 ? " minute" : " minutes");
    }
    if (duration.toNanosPart() == 0) {
      long seconds = duration.toSeconds();
      return seconds + (seconds == 1 ? " second" : " seconds");
    }
    BigDecimal seconds =
        BigDecimal.valueOf(duration.toNanos()).movePointLeft(9).stripTrailingZeros();
    return seconds.toPlainString() + " seconds";
  }
}
