package dev.penstock.engine.upkeep;

import dev.penstock.engine.attempt.Lease;
import dev.penstock.engine.attempt.StepLauncher;
import dev.penstock.engine.run.Scheduler;
import dev.penstock.model.StepVersion;
import dev.penstock.store.RunStore;
import dev.penstock.store.RunningAttempt;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's heartbeat fresh, puts back to PENDING the steps of nodes that stopped
 * heartbeating and the steps this node holds but no longer runs, so no run stays RUNNING forever.
 * Where servers share the database it looks for dead ones at every heartbeat, and each heartbeat
 * that reaches the store renews this node's {@link Lease}: when it lapses, this node hands its
 * steps back before the others may declare it dead. The sweep is a safety net: events drive the
 * runs, and its periodic wake of every open run only matters when an event was lost. Thread-safe.
 */
public final class Sweeper {
  private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

  /**
   * How often to heartbeat and sweep, and how many heartbeats a node may miss before it is dead.
   */
  public record Settings(
      String nodeId, Duration heartbeatInterval, int missedLimit, Duration sweepInterval) {
    /** How long this node may go without a heartbeat reaching the store before it is dead. */
    public Duration deadAfter() {
      return heartbeatInterval.multipliedBy(missedLimit);
    }

    /**
     * How long this node runs steps without a heartbeat reaching the store: one interval short of
     * {@link #deadAfter}, to stop them in.
     */
    public Duration leaseTerm() {
      return heartbeatInterval.multipliedBy(Math.max(1, missedLimit - 1));
    }
  }

  private final RunStore runs;
  private final Scheduler scheduler;
  private final StepLauncher launcher;
  private final InstantSource clock;
  private final Settings settings;
  private final Lease lease;
  private final boolean sharedStore;
  private ScheduledExecutorService timer;
  private final AtomicBoolean lapsed = new AtomicBoolean();

  /**
   * {@code lease} is renewed by this sweeper's heartbeats; with {@code sharedStore} other servers
   * use the database too, and dead ones are looked for at every heartbeat.
   */
  public Sweeper(
      RunStore runs,
      Scheduler scheduler,
      StepLauncher launcher,
      InstantSource clock,
      Settings settings,
      Lease lease,
      boolean sharedStore) {
    this.runs = runs;
    this.scheduler = scheduler;
    this.launcher = launcher;
    this.clock = clock;
    this.settings = settings;
    this.lease = lease;
    this.sharedStore = sharedStore;
  }

  /**
   * Registers this node, recovers interrupted steps and wakes every open run. With {@code
   * exclusiveStore} no other server can be using the database, so every step still RUNNING belongs
   * to a server that died and is put back at once, without waiting for its heartbeat to go stale.
   */
  public void recoverAtStartup(boolean exclusiveStore) {
    long started = System.nanoTime();
    Instant now = clock.instant();
    runs.heartbeatNode(settings.nodeId(), now);
    lease.renewed(started);
    requeueDead(exclusiveStore ? now : staleBefore(now), "the server was restarted");
    runs.openVersionIds().forEach(scheduler::wake);
  }

  public synchronized void start() {
    // A thread each: a long sweep must not hold up the heartbeats, nor a heartbeat stuck on a
    // database out of reach the watch that stops this server's steps when its lease lapses.
    timer =
        Executors.newScheduledThreadPool(
            3, Thread.ofPlatform().daemon().name("sweeper-", 0).factory());
    // Alone on its database, a server needs no heartbeat: no one else could take its steps.
    if (sharedStore) {
      long heartbeatMillis = settings.heartbeatInterval().toMillis();
      timer.scheduleWithFixedDelay(
          this::heartbeatSafely, heartbeatMillis, heartbeatMillis, TimeUnit.MILLISECONDS);
      long watchMillis = Math.max(1, heartbeatMillis / 4);
      timer.scheduleWithFixedDelay(
          this::watchLeaseSafely, watchMillis, watchMillis, TimeUnit.MILLISECONDS);
    }
    long sweepMillis = settings.sweepInterval().toMillis();
    timer.scheduleWithFixedDelay(
        this::sweepSafely, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
  }

  public synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /** Whether heartbeats and sweeps are scheduled: false before start and after stop. */
  public synchronized boolean running() {
    return timer != null && !timer.isShutdown();
  }

  /**
   * One sweep: requeue the steps of dead nodes, then plan every open run again from a fresh read,
   * in case an event was lost or another node changed it.
   */
  public void sweepOnce() {
    requeueDead(staleBefore(clock.instant()), "the server running it stopped heartbeating");
    recoverOrphans();
    launcher.running().stopSuperseded("the step was cancelled or reset through another server");
    runs.openVersionIds().forEach(scheduler::refresh);
  }

  /**
   * Steps RUNNING under this node that its launcher does not track: nothing would ever end them.
   * The launcher tracks an attempt from before its claim commits, so its check after the list was
   * read cannot miss a claim in the making; an attempt whose outcome landed in between is fenced.
   */
  private void recoverOrphans() {
    for (RunningAttempt claim : runs.runningStepsClaimedBy(settings.nodeId())) {
      launcher.recoverOrphan(claim);
    }
  }

  /**
   * One heartbeat: renews the lease if it reaches the store (and, after it lapsed, lets this node
   * run steps again), then puts back the steps of the nodes that went silent.
   */
  private void heartbeat() {
    watchLease(); // first: a frozen process, thawed, must not renew before it hands back
    long started = System.nanoTime();
    try {
      runs.heartbeatNode(settings.nodeId(), clock.instant());
      lease.renewed(started);
    } catch (RuntimeException e) {
      log.warn("Heartbeat of node {} failed: {}", settings.nodeId(), e.toString());
      return;
    }
    // A heartbeat that hung for longer than the lease renews nothing: the next one will.
    if (lease.held() && lapsed.compareAndSet(true, false)) {
      log.info("Node {} reaches the database again and runs steps again", settings.nodeId());
      recoverOrphans();
      runs.openVersionIds().forEach(scheduler::refresh);
    }
    requeueDead(staleBefore(clock.instant()), "the server running it stopped heartbeating");
  }

  /**
   * Hands this node's steps back once its lease lapsed (a store out of reach, this process frozen):
   * before the others may declare it dead, whatever its heartbeat is stuck on.
   */
  private void watchLease() {
    if (!lease.held() && lapsed.compareAndSet(false, true)) {
      log.warn(
          "No heartbeat of node {} reached the database for {} s: handing its steps back",
          settings.nodeId(),
          settings.leaseTerm().toSeconds());
      launcher
          .running()
          .handBackAll(
              "server %s could not reach the database for %d s"
                  .formatted(settings.nodeId(), settings.leaseTerm().toSeconds()));
    }
  }

  private void watchLeaseSafely() {
    try {
      watchLease();
    } catch (RuntimeException e) {
      log.warn("Watching the lease failed", e);
    }
  }

  private void heartbeatSafely() {
    try {
      heartbeat();
    } catch (RuntimeException e) {
      log.warn("Heartbeat failed", e);
    }
  }

  private void sweepSafely() {
    try {
      sweepOnce();
    } catch (RuntimeException e) {
      log.warn("Sweep failed", e);
    }
  }

  private Instant staleBefore(Instant now) {
    return now.minus(settings.deadAfter());
  }

  private void requeueDead(Instant staleBefore, String why) {
    for (StepVersion step : runs.runningStepsOfDeadNodes(staleBefore)) {
      if (settings.nodeId().equals(step.claimedBy())) {
        // This node is alive, whatever its heartbeat row says after a store outage: its own
        // claims are its launcher's to end, and recoverOrphans finds those it lost.
        continue;
      }
      if (launcher.adopt(step, why)) {
        continue; // it runs on where its executor runs it (a Kubernetes Job)
      }
      String reason =
          "attempt %d was interrupted because %s while it ran".formatted(step.attempt(), why);
      if (runs.requeueStep(step.id(), step.attempt(), reason, clock.instant())) {
        log.info(
            "Step version {} attempt {} of run {}: {}",
            step.id(),
            step.attempt(),
            step.pipelineVersionId(),
            reason);
        scheduler.stepChangedHere(step.pipelineVersionId(), step.id(), null);
      }
    }
  }
}
