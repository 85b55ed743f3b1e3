package dev.penstock.engine.attempt;

import dev.penstock.store.StoreException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store writes that must not be lost, such as the end of an attempt: each is tried at once and,
 * while the store fails (a full disk, a lost connection), again with backoff until it lands or
 * finds its attempt superseded, so the server recovers by itself once the store does. Only a stop
 * (server shutdown) abandons one; the next start reruns its step. Thread-safe.
 */
final class StoreRetry {
  private static final Logger log = LoggerFactory.getLogger(StoreRetry.class);

  /**
   * One guarded write (or a few reads and one): returns what to do now that it has landed, or null
   * when it changed nothing because its attempt was superseded.
   */
  interface Write {
    Runnable apply();
  }

  /** What became of a write: it landed (and its follow-up ran), or it never will. */
  interface Settled {
    void landed(boolean changed);

    /** A fault that retrying cannot cure (not the store's): the write is given up. */
    void broken(Throwable fault);
  }

  private final Duration firstDelay;
  private final Duration maxDelay;
  private volatile boolean stopped;

  StoreRetry(Duration firstDelay, Duration maxDelay) {
    this.firstDelay = firstDelay;
    this.maxDelay = maxDelay;
  }

  /**
   * Runs {@code write} on this thread; if the store fails, again on a virtual thread of its own
   * after the first delay, then twice as long each time up to the maximum. {@code settled} hears
   * the end.
   */
  void run(String what, Write write, Settled settled) {
    if (attempt(what, write, settled, 1)) {
      return;
    }
    Thread.ofVirtual().name("store-retry").start(() -> retry(what, write, settled));
  }

  /** Abandons the writes still waiting for the store; new ones get one try each. */
  void stop() {
    stopped = true;
  }

  private void retry(String what, Write write, Settled settled) {
    Duration delay = firstDelay;
    for (int tries = 2; ; tries++) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (stopped) {
        break;
      }
      if (attempt(what, write, settled, tries)) {
        log.info("Recorded {} after {} tries: the store works again", what, tries);
        return;
      }
      delay = delay.multipliedBy(2).compareTo(maxDelay) > 0 ? maxDelay : delay.multipliedBy(2);
    }
    log.warn(
        "Gave up recording {}: the server is stopping, and reruns its step when it starts", what);
  }

  /** One try; true when the write is over (landed, superseded or broken), false to try again. */
  private static boolean attempt(String what, Write write, Settled settled, int tries) {
    Runnable followUp;
    try {
      followUp = write.apply();
    } catch (StoreException e) {
      if (tries == 1) {
        log.error("Could not record {}; trying again until the store takes it", what, e);
      } else {
        log.warn("Still cannot record {} (try {}): {}", what, tries, e.getMessage());
      }
      return false;
    } catch (RuntimeException | Error e) {
      settled.broken(e);
      return true;
    }
    if (followUp != null) {
      try {
        followUp.run();
      } catch (RuntimeException e) {
        log.error("Recorded {}, but what follows it failed", what, e);
      }
    }
    settled.landed(followUp != null);
    return true;
  }
}
