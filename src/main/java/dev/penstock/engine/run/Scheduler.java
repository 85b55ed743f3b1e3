package dev.penstock.engine.run;

import dev.penstock.engine.attempt.Slots;
import dev.penstock.engine.attempt.StepLauncher;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepProgress;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.RunEvents;
import dev.penstock.store.RunStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies plans, woken by events. Whatever can unblock work calls {@link #wake}: a run accepted, a
 * step outcome recorded, slots freed. Wakeups collect in a set of dirty run ids drained by a few
 * virtual threads; a run is planned by one thread at a time. Each action is its own guarded write,
 * and a write that changes nothing means someone got there first: the next wakeup plans from fresh
 * state. What waits (steps short of a slot, runs over their pipeline's maxConcurrentRuns) shows in
 * its {@link Backlog}. On a database several servers share, what this one changes goes out as
 * {@link RunEvents} (a run ended, a step ended, skipped or requeued, steps ready that it had no
 * slot for), and what others announce comes in through {@link #heard}; whoever claims a ready step
 * first runs it. Thread-safe.
 */
public final class Scheduler {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);
  private static final int PLANNERS = 4;
  private static final Duration FIRST_REPLAN_DELAY = Duration.ofMillis(100);
  private static final Duration MAX_REPLAN_DELAY = Duration.ofSeconds(5);

  private final RunStore runs;
  private final StepLauncher launcher;
  private final Slots slots;
  private final InstantSource clock;
  private final RunCache cache;
  private final RunWaits waits;
  private final RunEvents events;
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private final LinkedBlockingQueue<String> queue = new LinkedBlockingQueue<>();
  private final ReentrantLock[] runLocks = new ReentrantLock[64];
  private final List<Thread> planners = new ArrayList<>();
  private final Map<String, Instant> timedWakes = new ConcurrentHashMap<>();
  private final Map<String, Integer> planFailures = new ConcurrentHashMap<>();
  private final Backlog backlog;
  private ScheduledExecutorService timer;
  private volatile boolean running;

  public Scheduler(
      RunStore runs,
      StepLauncher launcher,
      RunWaits waits,
      RunEvents events,
      InstantSource clock,
      MeterRegistry registry) {
    this.runs = runs;
    this.waits = waits;
    this.events = events;
    this.launcher = launcher;
    this.slots = launcher.slots();
    this.clock = clock;
    for (int i = 0; i < runLocks.length; i++) {
      runLocks[i] = new ReentrantLock();
    }
    this.cache = new RunCache(runs);
    launcher.onStepEnded(this::wake);
    launcher.onStepChanged(this::stepChangedHere, this::stepChanged);
    this.backlog = new Backlog(registry);
  }

  /** Whether the planners and the retry timer run: false before start and after stop. */
  public synchronized boolean running() {
    return running
        && !timer.isShutdown()
        && !planners.isEmpty()
        && planners.stream().allMatch(Thread::isAlive);
  }

  public synchronized void start() {
    running = true;
    timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("retry-timer").factory());
    for (int i = 0; i < PLANNERS; i++) {
      planners.add(Thread.ofVirtual().name("planner-" + i).start(this::drain));
    }
  }

  public synchronized void stop() {
    running = false;
    timer.shutdownNow();
    planners.forEach(Thread::interrupt);
    planners.clear();
  }

  /**
   * A step of the run changed in the store: plan the run again, with the step's progress as the
   * change left it, or reading it anew when {@code progress} is null.
   */
  public void stepChanged(String runId, String stepVersionId, StepProgress progress) {
    cache.stepChanged(runId, stepVersionId, progress);
    wake(runId);
  }

  /**
   * This server's launcher changed a step: plan the run, and tell the other servers unless the
   * change was a claim, which starts or ends nothing there.
   */
  public void stepChangedHere(String runId, String stepVersionId, StepProgress progress) {
    stepChanged(runId, stepVersionId, progress);
    if (progress == null || progress.status() != StepStatus.RUNNING) {
      events.announceStep(runId, stepVersionId);
    }
  }

  /**
   * Another server announced a change. A run that changed as a whole (cancelled, reset, ended) is
   * read again and planned, what this server runs of it that the change superseded stopped; a step
   * that changed is marked, to be read again, and its run planned again if this server plans it; a
   * run with steps ready that its server had no slot for is planned here. A server with every slot
   * taken plans neither until one frees: an event is planned by the server that made it, and
   * elsewhere only where there is room to help. A run accepted by another server is first heard of
   * when that server cannot start all its ready steps.
   */
  public void heard(RunEvents.Change change) {
    String runId = change.pipelineVersionId();
    String why = "the run was changed through another server";
    switch (change.kind()) {
      case RUN -> {
        launcher.running().stopSuperseded(runId, why);
        refresh(runId);
      }
      case STEP -> {
        launcher.running().stopSupersededStep(change.stepVersionId(), why);
        // A server that plans the run plans it again: two of its steps ending at once on two
        // servers, each planning before it heard of the other, would leave their dependants
        // unplanned. Where every slot is taken, when one frees.
        if (cache.stepChanged(runId, change.stepVersionId(), null) && !slots.queueIfFull(runId)) {
          wake(runId);
        }
      }
      case READY -> {
        if (!slots.queueIfFull(runId)) {
          wake(runId);
        }
      }
    }
  }

  /**
   * The run changed in ways only a fresh read shows (a reset, a cancel, a step requeued by the
   * sweeper, another node's work): read it whole when planning it next.
   */
  public void refresh(String runId) {
    cache.forget(runId);
    wake(runId);
  }

  /** Asks for the run to be planned soon. Cheap and idempotent while the run is already queued. */
  public void wake(String runId) {
    if (dirty.add(runId)) {
      queue.offer(runId);
    }
  }

  private void drain() {
    while (running) {
      String runId;
      try {
        runId = queue.take();
      } catch (InterruptedException stopped) {
        return;
      }
      if (!running) {
        // A take can win over the stop's interrupt when a wake signals it first: leave the run
        // queued (still marked dirty) for the next start instead of planning on a stopped server.
        queue.offer(runId);
        return;
      }
      // Removed before planning, so a wake that arrives while we plan queues another pass.
      dirty.remove(runId);
      ReentrantLock lock = runLocks[Math.floorMod(runId.hashCode(), runLocks.length)];
      lock.lock();
      try {
        planAndApply(runId);
        planFailures.remove(runId);
      } catch (RuntimeException | Error e) {
        // An Error too (an OutOfMemoryError while reading a huge run): a planner thread that died
        // would leave every run unplanned.
        planFailed(runId, e);
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Plans the run again soon, from a fresh read, and later after each failure in a row: a store
   * that fails (a full disk) is tried every few seconds, not hammered, and not left for the sweep.
   */
  private void planFailed(String runId, Throwable fault) {
    cache.forget(runId); // whatever it applied before the fault is read back from the store
    int inARow = planFailures.merge(runId, 1, Integer::sum);
    long delay =
        Math.min(
            FIRST_REPLAN_DELAY.toMillis() << Math.min(inARow - 1, 16), MAX_REPLAN_DELAY.toMillis());
    if (inARow == 1) {
      log.error("Planning run {} failed; planning it again in {} ms", runId, delay, fault);
    } else {
      log.warn(
          "Planning run {} failed again ({} in a row; next try in {} ms): {}",
          runId,
          inARow,
          delay,
          fault.toString());
    }
    schedule(() -> wake(runId), delay);
  }

  private void planAndApply(String runId) {
    var run = cache.current(runId).orElse(null);
    if (run == null || run.version().status().terminal()) {
      ended(runId);
      waits.ended(runId);
      wakeIfAny(slots.leave(runId));
      return;
    }
    // A run over its pipeline's maxConcurrentRuns stays PENDING, queued; the end of another run of
    // the pipeline wakes the oldest one waiting.
    if (run.version().status() == RunStatus.PENDING) {
      if (!runs.admitVersion(runId, clock.instant())) {
        if (runs.versionStatus(runId).orElse(RunStatus.PENDING) != RunStatus.PENDING) {
          refresh(runId); // admitted or ended by another server: plan what it is now
          return;
        }
        backlog.queued(runId);
        return;
      }
      backlog.admitted(runId);
      cache.forget(runId);
      run = cache.current(runId).orElse(null);
      if (run == null || run.version().status().terminal()) {
        return;
      }
    }
    PipelineVersion version = run.version();
    Plan plan = run.state().plan(clock.instant(), slots.limit());
    for (Plan.Skip skip : plan.skip()) {
      if (runs.skipStep(skip.stepVersionId(), skip.reason(), clock.instant())) {
        events.announceStep(runId, skip.stepVersionId());
      }
      cache.stepChanged(runId, skip.stepVersionId(), null);
    }
    if (plan.finish().isPresent()) {
      var finish = plan.finish().get();
      ended(runId);
      if (runs.finishVersion(runId, finish.status(), finish.error(), clock.instant())) {
        log.info("Run {} finished {}", runId, finish.status());
        events.announce(runId);
        runs.queuedVersionIds(version.pipelineId()).stream().findFirst().ifPresent(this::wake);
      }
      waits.ended(runId);
      wakeIfAny(slots.leave(runId));
      return;
    }
    plan.wakeAt().ifPresent(at -> wakeLater(runId, at));
    if (plan.start().isEmpty()) {
      wakeIfAny(slots.leave(runId));
    }
    if (!plan.start().isEmpty() && !launcher.claiming()) {
      // Draining, cut off from the store, or serving the API alone: the other servers run them.
      backlog.waiting(runId, plan.ready());
      events.announceReady(runId);
      return;
    }
    int started = 0;
    try {
      for (StepState start : plan.start()) {
        StepVersion step = run.step(start.stepVersionId());
        int weight = slots.weightOf(step.cpuSize().slots());
        if (!slots.tryAcquire(weight, runId)) {
          // Queued for slots: woken when one frees. If slots are free but another run is ahead in
          // the queue, that run must be woken to take them.
          wakeIfAny(slots.headToWake(runId));
          return;
        }
        long ready = readySince(run, step);
        started++;
        launcher.start(version, step, run.scope().forStep(step), weight, ready);
      }
    } finally {
      int waiting = plan.ready() - started;
      backlog.waiting(runId, waiting);
      if (waiting > 0) {
        events.announceReady(runId); // for the servers that have a slot free
      }
    }
  }

  /**
   * When the step became ready to start: the later of the change that made it startable and the
   * time its retry was due.
   */
  private long readySince(RunCache.Snapshot run, StepVersion step) {
    long ready = run.state().readySince(run.positions().get(step.id()));
    if (step.notBefore() == null) {
      return ready;
    }
    long now = System.nanoTime();
    long dueAgo = Duration.between(step.notBefore(), clock.instant()).toNanos();
    return Math.max(ready, now - Math.max(0, dueAgo));
  }

  private void ended(String runId) {
    cache.drop(runId);
    backlog.ended(runId);
  }

  private void wakeIfAny(String runId) {
    if (runId != null) {
      wake(runId);
    }
  }

  /** Plans the run again at {@code at}, for a retry whose delay has not passed yet. */
  private void wakeLater(String runId, Instant at) {
    Instant earlier =
        timedWakes.merge(runId, at, (old, fresh) -> fresh.isBefore(old) ? fresh : old);
    if (earlier.equals(at)) {
      long delay = Math.max(0, Duration.between(clock.instant(), at).toMillis());
      schedule(
          () -> {
            timedWakes.remove(runId, at);
            wake(runId);
          },
          delay);
    }
  }

  private synchronized void schedule(Runnable task, long delayMillis) {
    if (timer != null && !timer.isShutdown()) {
      timer.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }
  }
}
