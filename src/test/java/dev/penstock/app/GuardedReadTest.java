package dev.penstock.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A read that hangs holds one thread however often it is asked for, and answers in time. */
class GuardedReadTest {

  @Test
  void callers_of_a_hung_read_time_out_on_it_without_starting_another() throws Exception {
    var release = new CountDownLatch(1);
    var started = new AtomicInteger();
    var read =
        new GuardedRead<>(
            () -> {
              started.incrementAndGet();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return "answer";
            },
            Duration.ofMillis(200),
            "test-read");

    assertThatThrownBy(read::get).isInstanceOf(TimeoutException.class);
    assertThatThrownBy(read::get).isInstanceOf(TimeoutException.class);
    assertThat(started).hasValue(1);

    release.countDown();
    assertThat(read.get()).isEqualTo("answer"); // the one in flight, or a new one: both answer
    assertThat(read.get()).isEqualTo("answer");
    assertThat(started.get()).isBetween(2, 3);
  }

  @Test
  void a_failing_read_says_why_and_the_next_call_reads_again() throws Exception {
    var calls = new AtomicInteger();
    var read =
        new GuardedRead<>(
            () -> {
              if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("the store is closed");
              }
              return calls.get();
            },
            Duration.ofSeconds(10),
            "test-read");

    assertThatThrownBy(read::get)
        .isInstanceOf(ExecutionException.class)
        .hasRootCauseMessage("the store is closed");
    assertThat(read.get()).isEqualTo(2);
  }
}
