package dev.penstock.executor;

import dev.penstock.model.FailureCause;
import java.util.concurrent.CompletableFuture;

/** A running attempt. Thread-safe. */
public interface StepHandle {

  /**
   * Completes once when the attempt has ended and its process tree is gone; never completes
   * exceptionally (a launch or executor fault is a failed outcome with cause LAUNCH_FAILED).
   */
  CompletableFuture<StepOutcome> outcome();

  /**
   * Completes with the {@link System#nanoTime} at which the step's process started (for a process
   * forked ahead of time, at which it took the step), so that the engine can time the dispatch of a
   * step up to there. Never completes for an attempt that got no process; never exceptionally.
   */
  CompletableFuture<Long> started();

  /**
   * Stops the attempt: the whole process tree gets SIGTERM, then SIGKILL after the grace period.
   * The outcome then completes as failed with the given cause and error. Idempotent; no effect once
   * the outcome is complete.
   */
  void stop(FailureCause cause, String error);

  /** The operating-system pid of the step's process, or -1 when it never started. */
  long pid();

  /** A handle of an attempt that ended before it started, with {@code outcome}. */
  static StepHandle ended(StepOutcome outcome) {
    return new StepHandle() {
      @Override
      public CompletableFuture<StepOutcome> outcome() {
        return CompletableFuture.completedFuture(outcome);
      }

      @Override
      public CompletableFuture<Long> started() {
        return new CompletableFuture<>(); // it never will
      }

      @Override
      public void stop(FailureCause cause, String error) {}

      @Override
      public long pid() {
        return -1;
      }
    };
  }
}
