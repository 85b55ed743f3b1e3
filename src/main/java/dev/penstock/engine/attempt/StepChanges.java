package dev.penstock.engine.attempt;

import dev.penstock.model.StepProgress;

/** Hears of a step that was just changed in the store. */
@FunctionalInterface
public interface StepChanges {
  /**
   * The step changed; {@code progress} is what the change left of it, as the store answered the
   * change itself, or null when the listener must read it.
   */
  void changed(String runId, String stepVersionId, StepProgress progress);
}
