package dev.penstock.engine.attempt;

import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The meters of step attempts, recorded on the hot path at a few tens of nanoseconds each: no
 * lookup by name per step, and no tag a run or step could multiply (the outcome is one of a fixed
 * few). Durations come as {@link System#nanoTime} differences. Thread-safe.
 */
final class StepMeters {
  private static final Duration[] DISPATCH_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5),
    Duration.ofMinutes(15)
  };
  private static final Duration[] DURATION_BUCKETS = {
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofMinutes(1),
    Duration.ofMinutes(5),
    Duration.ofMinutes(15),
    Duration.ofMinutes(30),
    Duration.ofHours(1),
    Duration.ofHours(3),
    Duration.ofHours(6),
    Duration.ofHours(12),
    Duration.ofHours(24)
  };
  private static final String COMPLETE = "COMPLETE";
  private static final String FAILED = "FAILED"; // a failure that names no cause

  private final MeterRegistry registry;
  private final Timer dispatch;
  private final Timer slotWait;
  // By outcome: COMPLETE, FAILED, then each failure cause by ordinal; registered on first use, so
  // that an outcome that never happened shows no empty histogram.
  private final AtomicReferenceArray<Timer> durations =
      new AtomicReferenceArray<>(2 + FailureCause.values().length);

  StepMeters(MeterRegistry registry, Slots slots) {
    this.registry = registry;
    this.dispatch =
        Timer.builder("penstock.step.dispatch")
            .description(
                "From a step ready to start (its last upstream COMPLETE, its run admitted, its"
                    + " retry due) to its process started: slot wait, claim, launch and fork")
            .serviceLevelObjectives(DISPATCH_BUCKETS)
            .register(registry);
    this.slotWait =
        Timer.builder("penstock.step.slot.wait")
            .description("From a step ready to start to the slots it needs taken for it")
            .serviceLevelObjectives(DISPATCH_BUCKETS)
            .register(registry);
    Gauge.builder("penstock.slots.used", slots, Slots::used)
        .description("Slots taken by steps starting or running on this server")
        .register(registry);
    Gauge.builder("penstock.slots.limit", slots, Slots::limit)
        .description("Slots there are (parallel-limit)")
        .register(registry);
  }

  /** The step's slots were taken at {@code nowNanos}; it was ready at {@code readyNanos}. */
  void slotTaken(long readyNanos, long nowNanos) {
    slotWait.record(Math.max(0, nowNanos - readyNanos), TimeUnit.NANOSECONDS);
  }

  /** The step's process started at {@code startedNanos}; it was ready at {@code readyNanos}. */
  void started(long readyNanos, long startedNanos) {
    dispatch.record(Math.max(0, startedNanos - readyNanos), TimeUnit.NANOSECONDS);
  }

  /** The attempt, claimed at {@code claimedNanos}, ended at {@code endedNanos} as it says. */
  void ended(long claimedNanos, long endedNanos, StepOutcome outcome) {
    FailureCause cause = outcome.succeeded() ? null : outcome.cause();
    int index = outcome.succeeded() ? 0 : cause == null ? 1 : 2 + cause.ordinal();
    Timer timer = durations.get(index);
    if (timer == null) {
      String tag = outcome.succeeded() ? COMPLETE : cause == null ? FAILED : cause.name();
      timer =
          Timer.builder("penstock.step.duration")
              .description(
                  "From a step's claim to its end, by outcome: COMPLETE or the failure cause")
              .tag("outcome", tag)
              .serviceLevelObjectives(DURATION_BUCKETS)
              .register(registry);
      durations.set(index, timer); // another thread may race here: both get the same meter
    }
    timer.record(Math.max(0, endedNanos - claimedNanos), TimeUnit.NANOSECONDS);
  }
}
