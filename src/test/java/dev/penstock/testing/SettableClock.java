package dev.penstock.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that stands still until the test moves it. Thread-safe. */
public final class SettableClock implements InstantSource {
  private final AtomicReference<Instant> now;

  public SettableClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  /** Moves the clock to {@code time}; never backwards, as a real clock would not go. */
  public void set(Instant time) {
    now.updateAndGet(
        current -> {
          if (time.isBefore(current)) {
            throw new IllegalArgumentException(
                "clock at " + current + " cannot go back to " + time);
          }
          return time;
        });
  }

  public void advance(Duration duration) {
    set(instant().plus(duration));
  }
}
