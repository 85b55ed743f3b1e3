package dev.penstock.api;

import java.util.List;

/** What {@code /readyz} reports: whether each part of the server can serve. Thread-safe. */
public interface Readiness {

  /** One part, and why it cannot serve, or null when it can. */
  record Check(String name, String problem) {
    public boolean ready() {
      return problem == null;
    }
  }

  /**
   * Every part, in a fixed order, as it is now. Answers within a few seconds however a part hangs,
   * and never throws: a part that cannot say is not ready.
   */
  List<Check> checks();
}
