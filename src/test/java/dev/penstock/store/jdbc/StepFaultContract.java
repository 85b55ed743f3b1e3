package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.FailureCause;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.RunningAttempt;
import dev.penstock.store.StepCompletion;
import org.junit.jupiter.api.Test;

/**
 * The store's part in recovering from platform faults: a requeue that keeps the fault and delays
 * the next claim, and the claims a node holds, which it compares with what it runs.
 */
interface StepFaultContract extends StoreAccess {

  @Test
  default void a_requeue_after_a_fault_keeps_the_attempt_as_a_platform_fault_and_spends_no_retry() {
    StepVersion step = createVersion("a").steps().get(0);
    runs().claimStep(step.id(), 0, "node", null, at(1));

    assertThat(runs().requeueAfterFault(step.id(), 0, "stale", at(9), at(2))).isFalse();
    assertThat(runs().requeueAfterFault(step.id(), 1, "fork server died", at(9), at(3))).isTrue();
    assertThat(runs().requeueAfterFault(step.id(), 1, "again", at(9), at(4))).isFalse();

    StepVersion requeued = runs().findStepVersion(step.id()).orElseThrow();
    assertThat(requeued.status()).isEqualTo(StepStatus.PENDING);
    assertThat(requeued.attempt()).isEqualTo(1);
    assertThat(requeued.failures()).isZero();
    assertThat(requeued.notBefore()).isEqualTo(at(9));
    assertThat(runs().findStepVersionToPlan(step.id()).orElseThrow().notBefore()).isEqualTo(at(9));
    StepAttempt interrupted = runs().attempts(step.id()).get(0);
    assertThat(interrupted.status()).isEqualTo("INTERRUPTED");
    assertThat(interrupted.cause()).isEqualTo(FailureCause.PLATFORM_FAULT);
    assertThat(interrupted.reason()).isEqualTo("fork server died");
    assertThat(runs().history(step.id()).getLast().reason()).isEqualTo("fork server died");

    assertThat(runs().claimStep(step.id(), 1, "node", null, at(10))).isTrue();
    assertThat(runs().findStepVersion(step.id()).orElseThrow().notBefore()).isNull();
  }

  @Test
  default void a_plain_requeue_is_a_lost_worker_and_claimable_at_once() {
    StepVersion step = createVersion("a").steps().get(0);
    runs().claimStep(step.id(), 0, "node", null, at(1));

    runs().requeueStep(step.id(), 1, "server restarted", at(2));

    assertThat(runs().findStepVersion(step.id()).orElseThrow().notBefore()).isNull();
    assertThat(runs().attempts(step.id()).get(0).cause()).isEqualTo(FailureCause.WORKER_LOST);
  }

  @Test
  default void a_node_s_running_claims_are_listed_with_their_attempts() {
    PipelineVersion version = createVersion("mine", "again", "other", "done", "waiting");
    var steps = version.steps();
    String mine = StoreAccess.stepNamed(steps, "mine").id();
    String again = StoreAccess.stepNamed(steps, "again").id();
    String done = StoreAccess.stepNamed(steps, "done").id();
    runs().claimStep(mine, 0, "node-a", null, at(1));
    runs().claimStep(again, 0, "node-a", null, at(1));
    runs().requeueStep(again, 1, "restarted", at(2));
    runs().claimStep(again, 1, "node-a", null, at(3));
    runs().claimStep(StoreAccess.stepNamed(steps, "other").id(), 0, "node-b", null, at(1));
    runs().claimStep(done, 0, "node-a", null, at(1));
    runs()
        .completeStep(
            new StepCompletion(done, 1, StepStatus.COMPLETE, null, null, null, null, at(4)));

    assertThat(runs().runningStepsClaimedBy("node-a"))
        .containsExactlyInAnyOrder(
            new RunningAttempt(mine, version.id(), 1, "node-a"),
            new RunningAttempt(again, version.id(), 2, "node-a"));
    assertThat(runs().runningStepsClaimedBy("node-c")).isEmpty();
  }
}
