package dev.penstock.engine.attempt;

import dev.penstock.executor.StepHandle;
import dev.penstock.model.FailureCause;
import dev.penstock.model.StepStatus;
import dev.penstock.store.RunStore;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempts this server runs now, each with its run and its process, and the ways to stop them:
 * one attempt (its step was cancelled or reset here), those a change made through another server
 * superseded, or every one, handed back for any server to run again. Whatever a stopped process
 * reports afterwards is fenced off, since its step is no longer RUNNING at that attempt.
 * Thread-safe.
 */
public final class RunningAttempts {
  private static final Logger log = LoggerFactory.getLogger(RunningAttempts.class);

  /** Keyed by step version and attempt: a superseded attempt may still run beside its successor. */
  record Key(String stepVersionId, int attempt) {}

  private record Running(String runId, StepHandle handle) {}

  private final RunStore runs;
  private final InstantSource clock;
  private final StepChanges requeued;
  private final Map<Key, Running> running = new ConcurrentHashMap<>();
  // Handed back, their processes stopped but not yet reported.
  private final Set<Key> handedBack = ConcurrentHashMap.newKeySet();

  /** {@code requeued} hears of each step handed back to PENDING. */
  RunningAttempts(RunStore runs, InstantSource clock, StepChanges requeued) {
    this.runs = runs;
    this.clock = clock;
    this.requeued = requeued;
  }

  void started(Key key, String runId, StepHandle handle) {
    running.put(key, new Running(runId, handle));
  }

  /**
   * The attempt's process reported its end: whether its outcome is to be recorded, which it is not
   * once the attempt was handed back.
   */
  boolean ended(Key key) {
    if (running.remove(key) != null) {
      return true;
    }
    return !handedBack.remove(key);
  }

  /** How many attempts this server runs now. */
  public int count() {
    return running.size();
  }

  /** Stops the attempt if this server runs it. */
  public void stop(String stepVersionId, int attempt, FailureCause cause, String why) {
    Running attemptRunning = running.get(new Key(stepVersionId, attempt));
    if (attemptRunning != null) {
      attemptRunning.handle().stop(cause, why);
    }
  }

  /**
   * Stops each attempt of run {@code runId} whose step the store no longer shows RUNNING at that
   * attempt: cancelled or reset through another server. One read of a step's progress per such
   * attempt.
   */
  public void stopSuperseded(String runId, String why) {
    running.forEach(
        (key, attempt) -> {
          if (attempt.runId().equals(runId)) {
            stopIfSuperseded(key, why);
          }
        });
  }

  /** As {@link #stopSuperseded(String, String)} for the attempts of one step. */
  public void stopSupersededStep(String stepVersionId, String why) {
    for (Key key : running.keySet()) {
      if (key.stepVersionId().equals(stepVersionId)) {
        stopIfSuperseded(key, why);
      }
    }
  }

  /** As {@link #stopSuperseded(String, String)} for every run: the sweep's safety net. */
  public void stopSuperseded(String why) {
    running.keySet().forEach(key -> stopIfSuperseded(key, why));
  }

  private void stopIfSuperseded(Key key, String why) {
    var progress = runs.findStepProgress(key.stepVersionId());
    boolean current =
        progress.isPresent()
            && progress.get().status() == StepStatus.RUNNING
            && progress.get().attempt() == key.attempt();
    if (!current) {
      stop(key.stepVersionId(), key.attempt(), FailureCause.WORKER_LOST, why);
    }
  }

  /**
   * Stops every attempt and hands each step back: PENDING again, without using a retry, announced
   * so that any server may run it now; what their processes report is not recorded. Each process is
   * stopped before the store is asked, which may be out of reach (the reason a lease lapses); then
   * a step can only be put back by another server, or the next start. An attempt another server
   * took over meanwhile is left to it.
   */
  public void handBackAll(String why) {
    var handed = new HashMap<Key, String>();
    for (var entry : running.entrySet()) {
      Key key = entry.getKey();
      // Marked before it leaves the map: an end reported in between is recorded as usual.
      handedBack.add(key);
      if (running.remove(key, entry.getValue())) {
        handed.put(key, entry.getValue().runId());
        entry.getValue().handle().stop(FailureCause.WORKER_LOST, why);
      } else {
        handedBack.remove(key);
      }
    }
    handed.forEach(
        (key, runId) -> {
          try {
            if (runs.requeueStep(
                key.stepVersionId(),
                key.attempt(),
                "%s while attempt %d was running".formatted(why, key.attempt()),
                clock.instant())) {
              requeued.changed(runId, key.stepVersionId(), null);
            }
          } catch (RuntimeException e) { // another server, or the next start, puts it back
            log.warn("Could not hand back step version {}: {}", key.stepVersionId(), e.toString());
          }
        });
  }
}
