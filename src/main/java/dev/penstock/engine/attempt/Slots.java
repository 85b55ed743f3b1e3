package dev.penstock.engine.attempt;

import java.util.ArrayDeque;

/**
 * The server-wide limit on steps running at once, in slots (a step takes as many as its cpuSize
 * asks, capped at the limit), shared fairly between runs: a run that finds no room, or finds
 * another run waiting ahead of it, queues; slots go to the run at the head of the queue, which then
 * leaves it. A run that wants more queues again at the back, so one huge run takes turns with the
 * others instead of starving them. Thread-safe.
 */
public final class Slots {
  private final int limit;
  private final ArrayDeque<String> waiting = new ArrayDeque<>();
  private int used;

  Slots(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("the parallel limit must be at least 1, not " + limit);
    }
    this.limit = limit;
  }

  /** The most slots there are: no plan can start more steps than this at once. */
  public int limit() {
    return limit;
  }

  public int weightOf(int requested) {
    return Math.min(Math.max(requested, 1), limit);
  }

  /** Takes {@code weight} slots for the run, or queues it (once) and returns false. */
  public synchronized boolean tryAcquire(int weight, String runId) {
    boolean first = waiting.isEmpty() || waiting.peekFirst().equals(runId);
    if (first && used + weight <= limit) {
      used += weight;
      waiting.remove(runId);
      return true;
    }
    if (!waiting.contains(runId)) {
      waiting.addLast(runId);
    }
    return false;
  }

  /**
   * The run at the head of the queue if slots are free for someone and it is not {@code runId}: it
   * should be woken, or the free slots would idle while it sleeps. Null otherwise.
   */
  public synchronized String headToWake(String runId) {
    String head = waiting.peekFirst();
    return head != null && used < limit && !head.equals(runId) ? head : null;
  }

  /**
   * Queues the run, as a run short of a slot would be, when every slot is taken: there is nothing
   * to plan it for until one frees, and then it is woken in its turn. False when slots are free.
   */
  public synchronized boolean queueIfFull(String runId) {
    if (used < limit) {
      return false;
    }
    if (!waiting.contains(runId)) {
      waiting.addLast(runId);
    }
    return true;
  }

  /**
   * Takes slots whether or not they are free, for an attempt taken up that runs already (it would
   * run on whatever this server decided): the count may pass the limit until it ends.
   */
  synchronized void take(int weight) {
    used += weight;
  }

  /** Frees slots; returns the run at the head of the queue to wake, or null. */
  synchronized String release(int weight) {
    used -= weight;
    return waiting.peekFirst();
  }

  /** The run wants no slots now (it has nothing to start); returns a new head to wake, or null. */
  public synchronized String leave(String runId) {
    boolean wasHead = runId.equals(waiting.peekFirst());
    waiting.remove(runId);
    return wasHead && used < limit ? waiting.peekFirst() : null;
  }

  public synchronized int used() {
    return used;
  }
}
