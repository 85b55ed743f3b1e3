package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.at;
import static dev.penstock.store.jdbc.StoreFixtures.inputsOfEveryJsonKind;
import static dev.penstock.store.jdbc.StoreFixtures.outputsOfEveryJsonKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.penstock.model.FailureCause;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.StepCompletion;
import dev.penstock.store.VersionReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * RunStore#readVersion, which a run's views read through: a run one step version at a time, from
 * one snapshot, and never so many at once that the engine finds no connection.
 */
interface VersionReadContract extends StoreAccess {

  /** What a reader was handed, in order. */
  class Collected implements VersionReader {
    PipelineVersion version;
    final List<StepVersion> steps = new ArrayList<>();
    final List<List<StepAttempt>> attempts = new ArrayList<>();

    @Override
    public void version(PipelineVersion read) {
      assertThat(version).isNull();
      assertThat(read.steps()).isEmpty();
      version = read;
    }

    @Override
    public void step(StepVersion step, List<StepAttempt> ended) {
      assertThat(version).isNotNull();
      steps.add(step);
      attempts.add(ended);
    }
  }

  private Collected read(String versionId) {
    var collected = new Collected();
    assertThat(runs().readVersion(versionId, collected)).isTrue();
    return collected;
  }

  private void end(StepVersion step, int attempt, StepStatus status) {
    assertThat(
            runs()
                .completeStep(
                    new StepCompletion(
                        step.id(),
                        attempt,
                        status,
                        status == StepStatus.COMPLETE ? outputsOfEveryJsonKind() : null,
                        null,
                        status == StepStatus.FAILED ? "boom " + attempt : null,
                        status == StepStatus.FAILED ? FailureCause.USER_CODE : null,
                        at(10 + attempt))))
        .isTrue();
  }

  @Test
  default void a_version_is_read_as_findVersion_reads_it_one_step_at_a_time_in_position_order() {
    PipelineVersion version = createVersion("c", "a", "b", "d");
    var steps = version.steps();
    runs().claimStep(steps.get(0).id(), 0, "node", inputsOfEveryJsonKind(), at(1));
    end(steps.get(0), 1, StepStatus.COMPLETE);
    runs().claimStep(steps.get(2).id(), 0, "node", inputsOfEveryJsonKind().subList(0, 2), at(2));

    Collected collected = read(version.id());

    PipelineVersion whole = runs().findVersion(version.id()).orElseThrow();
    assertThat(collected.version).isEqualTo(whole.withSteps(List.of()));
    assertThat(collected.steps).isEqualTo(whole.steps());
    assertThat(collected.steps.get(0).boundInputs()).isEqualTo(inputsOfEveryJsonKind());
    assertThat(collected.steps.get(0).outputValues()).isEqualTo(outputsOfEveryJsonKind());
    assertThat(collected.attempts.get(0))
        .extracting(StepAttempt::status)
        .containsExactly("COMPLETE");
    assertThat(collected.attempts.subList(1, 4)).allSatisfy(ended -> assertThat(ended).isEmpty());
  }

  @Test
  default void each_step_gets_its_own_ended_attempts_oldest_first_without_their_values() {
    PipelineVersion version = createVersion("a", "b", "c");
    StepVersion a = version.steps().get(0);
    StepVersion c = version.steps().get(2);
    runs().claimStep(c.id(), 0, "node", inputsOfEveryJsonKind(), at(1));
    end(c, 1, StepStatus.FAILED);
    runs().resetSteps(version.id(), List.of(c.id()), "again", at(3));
    runs().claimStep(c.id(), 1, "node", inputsOfEveryJsonKind(), at(4));
    end(c, 2, StepStatus.COMPLETE);
    runs().claimStep(a.id(), 0, "node", inputsOfEveryJsonKind(), at(5));
    runs().requeueStep(a.id(), 1, "the server was restarted", at(6));

    Collected collected = read(version.id());

    Map<String, List<StepAttempt>> stored = runs().attemptsOfVersion(version.id());
    assertThat(collected.attempts.get(0))
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("boundInputs", "outputValues")
        .isEqualTo(stored.get(a.id()));
    assertThat(collected.attempts.get(1)).isEmpty();
    assertThat(collected.attempts.get(2))
        .extracting(StepAttempt::attempt, StepAttempt::status, StepAttempt::error)
        .containsExactly(tuple(1, "FAILED", "boom 1"), tuple(2, "COMPLETE", null));
    assertThat(collected.attempts.get(2))
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("boundInputs", "outputValues")
        .isEqualTo(stored.get(c.id()));
    assertThat(stored.get(c.id()).get(0).boundInputs()).isNotNull();
    assertThat(collected.attempts)
        .allSatisfy(
            ended ->
                assertThat(ended)
                    .allSatisfy(
                        attempt -> {
                          assertThat(attempt.boundInputs()).isNull();
                          assertThat(attempt.outputValues()).isNull();
                        }));
  }

  @Test
  default void a_missing_version_is_not_read_and_an_empty_one_has_no_steps() {
    var untouched = new Collected();
    assertThat(runs().readVersion("no-such-run", untouched)).isFalse();
    assertThat(untouched.version).isNull();

    PipelineVersion empty = createVersion();
    Collected collected = read(empty.id());
    assertThat(collected.version.id()).isEqualTo(empty.id());
    assertThat(collected.steps).isEmpty();
  }

  @Test
  default void a_read_sees_the_run_as_it_was_when_it_began_while_writers_go_on() throws Exception {
    PipelineVersion version = createVersion("a", "b");
    StepVersion b = version.steps().get(1);
    var versionRead = new CountDownLatch(1);
    var written = new CountDownLatch(1);
    var collected = new Collected();
    var reading =
        Thread.ofVirtual()
            .start(
                () ->
                    runs()
                        .readVersion(
                            version.id(),
                            new VersionReader() {
                              @Override
                              public void version(PipelineVersion read) {
                                collected.version(read);
                                versionRead.countDown();
                                awaitLatch(written);
                              }

                              @Override
                              public void step(StepVersion step, List<StepAttempt> attempts) {
                                collected.step(step, attempts);
                              }
                            }));
    versionRead.await();

    // A write while the read is open: a reader takes no lock that would hold it up.
    assertThat(runs().claimStep(b.id(), 0, "node", null, at(7))).isTrue();
    written.countDown();
    reading.join();

    assertThat(collected.steps).extracting(StepVersion::status).containsOnly(StepStatus.PENDING);
    assertThat(runs().findStepVersion(b.id()).orElseThrow().status()).isEqualTo(StepStatus.RUNNING);
  }

  @Test
  default void slow_readers_leave_connections_for_writes_and_give_theirs_back() throws Exception {
    PipelineVersion version = createVersion("a");
    var release = new CountDownLatch(1);
    var inside = new AtomicInteger();
    var readers = new ArrayList<Thread>();
    // More readers than any pool has connections, each stuck until released, as slow clients are.
    for (int i = 0; i < 12; i++) {
      readers.add(
          Thread.ofPlatform()
              .start(
                  () ->
                      runs()
                          .readVersion(
                              version.id(),
                              new Collected() {
                                @Override
                                public void version(PipelineVersion read) {
                                  inside.incrementAndGet();
                                  awaitLatch(release);
                                }
                              })));
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                inside.get() > 0
                    && readers.stream()
                        .allMatch(
                            reader ->
                                reader.getState() == Thread.State.WAITING
                                    || reader.getState() == Thread.State.TIMED_WAITING));

    // Every reader is either in its read or waiting for a turn: a write still finds a connection.
    assertThat(runs().claimStep(version.steps().get(0).id(), 0, "node", null, at(1))).isTrue();
    assertThat(inside.get()).isLessThan(readers.size());

    release.countDown();
    for (Thread reader : readers) {
      reader.join();
    }
    assertThat(inside.get()).isEqualTo(readers.size());
  }

  @Test
  default void a_reader_that_throws_ends_the_read_and_gives_its_connection_back() {
    PipelineVersion version = createVersion("a", "b");
    for (int i = 0; i < 12; i++) {
      assertThatThrownBy(
              () ->
                  runs()
                      .readVersion(
                          version.id(),
                          new Collected() {
                            @Override
                            public void step(StepVersion step, List<StepAttempt> attempts) {
                              throw new IllegalStateException("the client went away");
                            }
                          }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the client went away");
    }
    assertThat(read(version.id()).steps).hasSize(2);
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
