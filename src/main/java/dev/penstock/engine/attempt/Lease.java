package dev.penstock.engine.attempt;

import java.time.Duration;

/**
 * This server's right to run steps on a database other servers share. Each heartbeat that reaches
 * the store renews it; it lapses when none has for its term, which is shorter than the silence
 * after which the other servers declare this one dead and take its steps: so a server cut off from
 * the store stops its steps before anyone may run them again, rather than guessing that it is still
 * alive. A server alone on its database holds it for good. Thread-safe.
 */
public final class Lease {
  private final long termNanos;
  private volatile long renewedNanos;

  private Lease(long termNanos) {
    this.termNanos = termNanos;
    this.renewedNanos = System.nanoTime();
  }

  /**
   * A lease that lapses {@code term} after the start of the last heartbeat that reached the store.
   */
  public static Lease lapsingAfter(Duration term) {
    return new Lease(term.toNanos());
  }

  /** For a server no other can take steps from. */
  public static Lease forever() {
    return new Lease(Long.MAX_VALUE);
  }

  /** A heartbeat started at {@code startedNanos} ({@link System#nanoTime}) reached the store. */
  public void renewed(long startedNanos) {
    renewedNanos = startedNanos;
  }

  /** Whether this server may run steps now. */
  public boolean held() {
    return termNanos == Long.MAX_VALUE || System.nanoTime() - renewedNanos < termNanos;
  }
}
