package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.T0;
import static dev.penstock.store.jdbc.StoreFixtures.at;
import static dev.penstock.store.jdbc.StoreFixtures.pipeline;
import static dev.penstock.store.jdbc.StoreFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.FailureCause;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.RunTrigger;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.RunningAttempt;
import dev.penstock.store.StepCompletion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The run-control part of the store contract: reset, cancel, skip, retries, attempts, admission.
 */
interface RunControlContract extends StoreAccess {

  private StepVersion step(PipelineVersion version, String name) {
    return StoreAccess.stepNamed(runs().findVersion(version.id()).orElseThrow().steps(), name);
  }

  private void complete(StepVersion step, int attempt, StepStatus status, String error) {
    assertThat(
            runs()
                .completeStep(
                    new StepCompletion(
                        step.id(),
                        attempt,
                        status,
                        null,
                        null,
                        error,
                        status == StepStatus.FAILED ? FailureCause.USER_CODE : null,
                        at(5))))
        .isTrue();
  }

  @Test
  default void every_ended_attempt_is_kept_with_its_status_error_and_reason() {
    PipelineVersion version = createVersion("a");
    StepVersion a = version.steps().get(0);
    runs().claimStep(a.id(), 0, "node", null, at(1));
    runs().requeueStep(a.id(), 1, "the server was restarted", at(2));
    runs().claimStep(a.id(), 1, "node", null, at(3));
    complete(a, 2, StepStatus.FAILED, "boom");

    List<StepAttempt> attempts = runs().attempts(a.id());

    assertThat(attempts).extracting(StepAttempt::attempt).containsExactly(1, 2);
    assertThat(attempts.get(0).status()).isEqualTo("INTERRUPTED");
    assertThat(attempts.get(0).reason()).isEqualTo("the server was restarted");
    assertThat(attempts.get(0).startedAt()).isEqualTo(at(1));
    assertThat(attempts.get(1).status()).isEqualTo("FAILED");
    assertThat(attempts.get(1).error()).isEqualTo("boom");
    assertThat(runs().attemptsOfVersion(version.id())).containsOnlyKeys(a.id());
  }

  @Test
  default void a_retry_puts_the_step_back_to_pending_after_its_delay_and_counts_the_failure() {
    PipelineVersion version = createVersion("a");
    StepVersion a = version.steps().get(0);
    runs().claimStep(a.id(), 0, "node", null, at(1));
    var failed =
        new StepCompletion(
            a.id(), 1, StepStatus.FAILED, null, null, "flaky", FailureCause.USER_CODE, at(2));

    assertThat(runs().retryStep(failed, at(10), "retry 1 of 2")).isTrue();
    assertThat(runs().retryStep(failed, at(10), "retry 1 of 2")).as("fenced").isFalse();

    StepVersion waiting = step(version, "a");
    assertThat(waiting.status()).isEqualTo(StepStatus.PENDING);
    assertThat(waiting.failures()).isEqualTo(1);
    assertThat(waiting.notBefore()).isEqualTo(at(10));
    assertThat(waiting.error()).isEqualTo("flaky");
    assertThat(runs().attempts(a.id()))
        .extracting(StepAttempt::reason)
        .containsExactly("retry 1 of 2");
    assertThat(runs().claimStep(a.id(), 1, "node", null, at(11))).isTrue();
    assertThat(step(version, "a").notBefore()).isNull();
  }

  @Test
  default void a_reset_reopens_the_version_and_takes_running_steps_from_their_process() {
    PipelineVersion version = createVersion("a", "b", "c");
    StepVersion a = version.steps().get(0);
    StepVersion b = version.steps().get(1);
    runs().claimStep(a.id(), 0, "node", null, at(1));
    complete(a, 1, StepStatus.COMPLETE, null);
    runs().claimStep(b.id(), 0, "node-b", null, at(1));
    runs().skipStep(version.steps().get(2).id(), "skipped", at(2));

    List<RunningAttempt> stopped =
        runs().resetSteps(version.id(), List.of(a.id(), b.id()), "rerun", at(6));

    assertThat(stopped).containsExactly(new RunningAttempt(b.id(), version.id(), 1, "node-b"));
    PipelineVersion reopened = runs().findVersion(version.id()).orElseThrow();
    assertThat(reopened.trigger()).isEqualTo(RunTrigger.RESET);
    assertThat(step(version, "a").status()).isEqualTo(StepStatus.PENDING);
    assertThat(step(version, "a").outputValues()).isNull();
    assertThat(step(version, "b").status()).isEqualTo(StepStatus.PENDING);
    assertThat(step(version, "c").status()).as("not named").isEqualTo(StepStatus.SKIPPED);
    assertThat(runs().attempts(b.id()))
        .extracting(StepAttempt::status)
        .containsExactly("INTERRUPTED");
    assertThat(
            runs()
                .completeStep(
                    new StepCompletion(
                        b.id(), 1, StepStatus.COMPLETE, null, null, null, null, at(7))))
        .as("the stopped attempt's late result is fenced off")
        .isFalse();
  }

  @Test
  default void a_reset_of_a_finished_version_makes_it_pending_again() {
    PipelineVersion version = createVersion("a");
    StepVersion a = version.steps().get(0);
    runs().claimStep(a.id(), 0, "node", null, at(1));
    complete(a, 1, StepStatus.FAILED, "boom");
    runs().finishVersion(version.id(), RunStatus.FAILED, "boom", at(3));

    runs().resetSteps(version.id(), List.of(a.id()), "rerun", at(4));

    PipelineVersion reopened = runs().findVersion(version.id()).orElseThrow();
    assertThat(reopened.status()).isEqualTo(RunStatus.PENDING);
    assertThat(reopened.error()).isNull();
    assertThat(reopened.completedAt()).isNull();
    assertThat(step(version, "a").error()).isNull();
    assertThat(step(version, "a").attempt()).as("the next claim raises it").isEqualTo(1);
  }

  @Test
  default void cancel_ends_the_version_and_its_open_steps_once() {
    PipelineVersion version = createVersion("a", "b");
    StepVersion a = version.steps().get(0);
    runs().claimStep(a.id(), 0, "node", null, at(1));

    var stopped = runs().cancelVersion(version.id(), "Cancelled", at(2));

    assertThat(stopped).extracting(RunningAttempt::stepVersionId).containsExactly(a.id());
    PipelineVersion cancelled = runs().findVersion(version.id()).orElseThrow();
    assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(cancelled.completedAt()).isEqualTo(at(2));
    assertThat(cancelled.steps())
        .extracting(StepVersion::status)
        .containsOnly(StepStatus.CANCELLED);
    assertThat(runs().cancelVersion(version.id(), "again", at(3))).isEmpty();
    assertThat(runs().findVersion(version.id()).orElseThrow().error()).isEqualTo("Cancelled");
  }

  @Test
  default void skip_pending_skips_only_what_has_not_started() {
    PipelineVersion version = createVersion("a", "b", "c");
    runs().claimStep(version.steps().get(0).id(), 0, "node", null, at(1));

    assertThat(runs().skipPendingSteps(version.id(), "skipped on request", at(2))).isEqualTo(2);

    assertThat(step(version, "a").status()).isEqualTo(StepStatus.RUNNING);
    assertThat(step(version, "b").status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(step(version, "c").error()).isEqualTo("skipped on request");
  }

  @Test
  default void admission_keeps_to_max_concurrent_runs_oldest_first() {
    Pipeline pipeline = pipeline("limited");
    var limited =
        new Pipeline(pipeline.id(), pipeline.name(), null, null, false, List.of(), 1, T0, T0);
    pipelines().createPipeline(limited);
    PipelineVersion first = version(limited, at(1), "a");
    PipelineVersion second = version(limited, at(2), "a");
    PipelineVersion third = version(limited, at(3), "a");
    List.of(first, second, third).forEach(runs()::createVersion);

    assertThat(runs().admitVersion(second.id(), at(4))).as("an older run waits").isFalse();
    assertThat(runs().admitVersion(first.id(), at(4))).isTrue();
    assertThat(runs().admitVersion(second.id(), at(4))).as("the limit is reached").isFalse();
    assertThat(runs().queuedVersionIds(limited.id())).containsExactly(second.id(), third.id());

    runs().finishVersion(first.id(), RunStatus.COMPLETE, null, at(5));
    assertThat(runs().admitVersion(third.id(), at(6))).isFalse();
    assertThat(runs().admitVersion(second.id(), at(6))).isTrue();
    assertThat(runs().findVersion(second.id()).orElseThrow().status()).isEqualTo(RunStatus.RUNNING);
  }

  @Test
  default void retention_finds_old_ended_runs_beyond_the_newest_kept_and_deletes_them_whole() {
    Pipeline pipeline = createPipeline();
    var versions = new ArrayList<PipelineVersion>();
    for (int i = 1; i <= 4; i++) {
      PipelineVersion version = version(pipeline, at(i), "a");
      runs().createVersion(version);
      versions.add(version);
    }
    for (PipelineVersion version : versions.subList(0, 3)) {
      runs().claimStep(version.steps().get(0).id(), 0, "node", null, at(5));
      complete(version.steps().get(0), 1, StepStatus.COMPLETE, null);
      runs().finishVersion(version.id(), RunStatus.COMPLETE, null, at(6));
    }
    PipelineVersion open = versions.get(3);

    assertThat(runs().prunableVersionIds(at(7), 1, 10))
        .as("the newest is kept, the open one is not ended")
        .containsExactlyInAnyOrder(versions.get(0).id(), versions.get(1).id(), versions.get(2).id())
        .doesNotContain(open.id());
    assertThat(runs().prunableVersionIds(at(7), 2, 10)).hasSize(2);
    assertThat(runs().prunableVersionIds(at(6), 1, 10)).as("not older than the cut").isEmpty();
    assertThat(runs().prunableVersionIds(at(7), 1, 1)).hasSize(1);

    String doomed = versions.get(0).id();
    String doomedStep = versions.get(0).steps().get(0).id();
    assertThat(runs().deleteVersion(doomed)).isTrue();
    assertThat(runs().findVersion(doomed)).isEmpty();
    assertThat(runs().findStepVersion(doomedStep)).isEmpty();
    assertThat(runs().attempts(doomedStep)).isEmpty();
    assertThat(runs().history(doomedStep)).isEmpty();
    assertThat(runs().deleteVersion(open.id())).as("never an open run").isFalse();
    assertThat(runs().findVersion(open.id())).isPresent();

    // Remembered, for every server to delete the files it keeps of it, until forgotten.
    assertThat(runs().deletedVersionIds(Instant.now().minusSeconds(60))).containsExactly(doomed);
    runs().forgetDeletedBefore(Instant.now().plusSeconds(1));
    assertThat(runs().deletedVersionIds(Instant.now().minusSeconds(60))).isEmpty();
  }
}
