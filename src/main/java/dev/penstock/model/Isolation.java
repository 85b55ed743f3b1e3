package dev.penstock.model;

import java.util.Locale;
import java.util.Optional;

/**
 * Which steps may share a Python process: what a step can see of another's leftovers, traded
 * against what it pays to start. Every level gives each step fresh globals, its own working
 * directory, environment, log, limits and error report.
 */
public enum Isolation {
  /**
   * Steps of one run may run one after another in a warm worker forked for that run: what they
   * share is the state of the libraries they imported. A worker never serves two runs.
   */
  RUN,
  /** Each step in a fresh process forked from a warm Python: nothing of another step stays. */
  STEP,
  /** Each step in a fresh interpreter, started from nothing. */
  PROCESS;

  /** How the wire and the command line spell it: run, step, process. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Isolation> fromWire(String name) {
    for (Isolation isolation : values()) {
      if (isolation.wireName().equals(name)) {
        return Optional.of(isolation);
      }
    }
    return Optional.empty();
  }
}
