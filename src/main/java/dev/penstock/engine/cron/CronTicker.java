package dev.penstock.engine.cron;

import dev.penstock.engine.definition.CronSchedule;
import dev.penstock.engine.run.Runs;
import dev.penstock.model.PenstockException;
import dev.penstock.model.Pipeline;
import dev.penstock.model.RunTrigger;
import dev.penstock.store.PipelineStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fires cron schedules. Every tick it reads the clock, and for each due, unpaused schedule claims
 * the firing in the store, then starts a normal run with the pipeline's default variables (trigger
 * SCHEDULE). Claim before acting: a firing is started at most once on any number of tickers or
 * nodes, and a crash between claim and run loses that one firing rather than doubling it. Firings
 * missed while no server ran are caught up with one run: the claim moves the next firing to the
 * first one after now, not after the missed one. Thread-safe.
 */
public final class CronTicker {
  private static final Logger log = LoggerFactory.getLogger(CronTicker.class);

  private final PipelineStore pipelines;
  private final Runs runs;
  private final InstantSource clock;
  private final Duration tick;
  private ScheduledExecutorService timer;

  public CronTicker(PipelineStore pipelines, Runs runs, InstantSource clock, Duration tick) {
    this.pipelines = pipelines;
    this.runs = runs;
    this.clock = clock;
    this.tick = tick;
  }

  /** Times schedules stored without a next firing (before V3), then ticks every {@code tick}. */
  public synchronized void start() {
    timeUntimedSchedules();
    timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("cron-ticker").factory());
    long millis = tick.toMillis();
    timer.scheduleWithFixedDelay(this::tickSafely, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Stops ticking; a tick under way finishes first, so its run is either started or not. */
  public synchronized void stop() {
    if (timer == null) {
      return;
    }
    timer.shutdown();
    try {
      if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      timer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * One tick: fires every schedule due at the clock's current time. Safe to call from any number of
   * threads and nodes at once; each firing starts one run. Returns the number of runs started.
   */
  public int tickOnce() {
    Instant now = clock.instant();
    int started = 0;
    for (Pipeline pipeline : pipelines.dueSchedules(now)) {
      if (fire(pipeline, now)) {
        started++;
      }
    }
    return started;
  }

  private boolean fire(Pipeline pipeline, Instant now) {
    Instant due = pipeline.nextRunAt();
    CronSchedule schedule;
    try {
      schedule = CronSchedule.parse(pipeline.cron());
    } catch (PenstockException e) {
      // Only a row written behind the API's back gets here; stop it rather than retry each tick.
      log.warn("Schedule of pipeline {} stopped: {}", pipeline.id(), e.getMessage());
      pipelines.claimScheduledRun(pipeline.id(), due, null);
      return false;
    }
    Instant next = schedule.nextAfter(now);
    if (!pipelines.claimScheduledRun(pipeline.id(), due, next)) {
      return false; // fired by another tick or node, or paused or retimed since we read it
    }
    Instant missed = schedule.nextAfter(due);
    if (missed != null && missed.isBefore(now)) {
      log.info(
          "Pipeline {}: firings from {} until {} were missed; catching up with one run",
          pipeline.id(),
          due,
          now);
    }
    // The next firing is claimed already, so a run that cannot start is not retried each tick.
    try {
      var version = runs.run(pipeline.id(), null, RunTrigger.SCHEDULE);
      log.info(
          "Pipeline {}: scheduled run {} started for {} (next at {})",
          pipeline.id(),
          version.id(),
          due,
          next);
      return true;
    } catch (PenstockException e) {
      log.warn(
          "Pipeline {}: scheduled run for {} did not start: {} (next at {})",
          pipeline.id(),
          due,
          e.getMessage(),
          next);
    } catch (RuntimeException e) {
      log.warn("Pipeline {}: scheduled run for {} did not start", pipeline.id(), due, e);
    }
    return false;
  }

  private void tickSafely() {
    try {
      tickOnce();
    } catch (RuntimeException e) {
      log.warn("Schedule tick failed", e);
    }
  }

  private void timeUntimedSchedules() {
    Instant now = clock.instant();
    for (Pipeline pipeline : pipelines.listPipelines(null)) {
      if (pipeline.cron() == null || pipeline.schedulePaused() || pipeline.nextRunAt() != null) {
        continue;
      }
      try {
        Instant next = CronSchedule.parse(pipeline.cron()).nextAfter(now);
        pipelines.setSchedule(pipeline.id(), pipeline.cron(), false, next, now);
        log.info(
            "Pipeline {}: schedule '{}' fires next at {}", pipeline.id(), pipeline.cron(), next);
      } catch (PenstockException e) {
        log.warn("Pipeline {}: schedule not started: {}", pipeline.id(), e.getMessage());
      }
    }
  }
}
