package dev.penstock.store;

import dev.penstock.model.Artifact;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepVersion;
import java.util.List;

/**
 * Receives a run from {@link RunStore#readVersion} as it is read, one step version at a time, so
 * that the run can be passed on (written to a client, say) without ever being held whole. Its
 * methods run on the reading thread while the store holds a database connection: they must not call
 * the store. An exception they throw ends the read and leaves {@code readVersion} as it is.
 */
public interface VersionReader {

  /** The version, first and once, with no step versions. */
  void version(PipelineVersion version);

  /** Next and once: what the version's steps produced by reference, in step order. */
  default void artifacts(List<Artifact> artifacts) {}

  /**
   * Each step version in position order, with its bound inputs and outputs, and its ended attempts
   * oldest first, without theirs ({@link StepAttempt#boundInputs()} and {@link
   * StepAttempt#outputValues()} are null): a run's view shows each value once per step.
   */
  void step(StepVersion step, List<StepAttempt> attempts);
}
