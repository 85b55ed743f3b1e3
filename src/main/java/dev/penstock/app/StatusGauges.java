package dev.penstock.app;

import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import dev.penstock.store.StatusCounts;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * {@code penstock_runs} and {@code penstock_steps} by status, read from the store on scrape: one
 * grouped count per table, kept for {@link #MAX_AGE}, so a scrape, or a storm of them, costs at
 * most two index scans every few seconds. A store that fails, or does not answer within {@link
 * #DEADLINE}, reads NaN (unknown) until the same age, so a scrape never hangs on the database.
 * Thread-safe.
 */
final class StatusGauges {
  static final Duration MAX_AGE = Duration.ofSeconds(2);
  static final Duration DEADLINE = Duration.ofSeconds(2);

  private record Counts(Map<RunStatus, Long> runs, Map<StepStatus, Long> steps) {}

  /** The counts (null when unknown) and when they were known. */
  private record Read(Counts counts, long atNanos) {}

  private final GuardedRead<Counts> read;
  private volatile Read last;

  private StatusGauges(StatusCounts store) {
    this.read =
        new GuardedRead<>(
            () -> new Counts(store.runsByStatus(), store.stepsByStatus()),
            DEADLINE,
            "status-counts");
  }

  static void register(StatusCounts store, MeterRegistry registry) {
    var gauges = new StatusGauges(store);
    for (RunStatus status : RunStatus.values()) {
      Gauge.builder("penstock.runs", () -> gauges.value(counts -> counts.runs().get(status)))
          .description("Runs in the store by status (PENDING includes runs queued)")
          .tag("status", status.name())
          .register(registry);
    }
    for (StepStatus status : StepStatus.values()) {
      Gauge.builder("penstock.steps", () -> gauges.value(counts -> counts.steps().get(status)))
          .description("Step versions of the runs in the store by status")
          .tag("status", status.name())
          .register(registry);
    }
  }

  private double value(Function<Counts, Long> of) {
    Counts counts = current();
    if (counts == null) {
      return Double.NaN;
    }
    Long count = of.apply(counts);
    return count == null ? 0 : count;
  }

  private Counts current() {
    Read seen = last;
    if (seen != null && System.nanoTime() - seen.atNanos() < MAX_AGE.toNanos()) {
      return seen.counts();
    }
    synchronized (this) {
      seen = last;
      long now = System.nanoTime();
      if (seen != null && now - seen.atNanos() < MAX_AGE.toNanos()) {
        return seen.counts(); // another scrape read them while this one waited
      }
      Counts counts;
      try {
        counts = read.get();
      } catch (TimeoutException | ExecutionException e) {
        counts = null;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        counts = null;
      }
      // Stamped when known, not when asked: a read that waited out its deadline stamped with the
      // time it began was stale at once, and each of a scrape's ten gauges waited 2 s again.
      last = new Read(counts, System.nanoTime());
      return counts;
    }
  }
}
