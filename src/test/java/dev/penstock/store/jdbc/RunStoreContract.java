package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.T0;
import static dev.penstock.store.jdbc.StoreFixtures.at;
import static dev.penstock.store.jdbc.StoreFixtures.inputsOfEveryJsonKind;
import static dev.penstock.store.jdbc.StoreFixtures.outputsOfEveryJsonKind;
import static dev.penstock.store.jdbc.StoreFixtures.pipeline;
import static dev.penstock.store.jdbc.StoreFixtures.step;
import static dev.penstock.store.jdbc.StoreFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.model.FailureCause;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepProgress;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.StatusChange;
import dev.penstock.store.StepCompletion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The RunStore part of the store contract: versions, guarded state changes, history, nodes. */
interface RunStoreContract extends StoreAccess {
  // ---- versions ----

  @Test
  default void created_version_is_found_whole_with_its_steps_in_position_order() {
    Pipeline pipeline = createPipeline();
    PipelineVersion version = version(pipeline, T0, "extract", "transform", "load");
    var shuffled = new ArrayList<>(version.steps());
    Collections.reverse(shuffled);

    runs().createVersion(version.withSteps(shuffled));

    assertThat(runs().findVersion(version.id())).contains(version);
    StepVersion first = runs().findStepVersion(version.steps().get(0).id()).orElseThrow();
    assertThat(first.status()).isEqualTo(StepStatus.PENDING);
    assertThat(first.attempt()).isZero();
    assertThat(first.boundInputs()).isNull();
    assertThat(first.outputValues()).isNull();
    assertThat(runs().findVersion("missing")).isEmpty();
  }

  @Test
  default void a_version_may_have_no_steps_but_needs_its_pipeline() {
    PipelineVersion empty = version(createPipeline(), T0);
    runs().createVersion(empty);

    assertThat(runs().findVersion(empty.id()).orElseThrow().steps()).isEmpty();
    assertThatThrownBy(() -> runs().createVersion(version(pipeline("absent"), T0, "a")))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  default void versions_are_listed_newest_first_up_to_the_limit() {
    Pipeline pipeline = createPipeline();
    PipelineVersion oldest = version(pipeline, at(1), "a", "b");
    PipelineVersion middle = version(pipeline, at(2), "a", "b");
    PipelineVersion newest = version(pipeline, at(3), "a", "b");
    List.of(middle, newest, oldest).forEach(runs()::createVersion);
    runs().createVersion(version(createPipeline(), at(9), "other"));

    assertThat(runs().versionIds(pipeline.id(), 10))
        .containsExactly(newest.id(), middle.id(), oldest.id());
    assertThat(runs().versionIds(pipeline.id(), 2)).containsExactly(newest.id(), middle.id());
    assertThat(runs().versionIds(pipeline.id(), 0)).isEmpty();
    assertThat(runs().versionIds("no-such-pipeline", 1)).isEmpty();
  }

  @Test
  default void open_version_ids_are_the_pending_and_running_ones_oldest_first() {
    Pipeline pipeline = createPipeline();
    PipelineVersion running = version(pipeline, at(2), "a");
    PipelineVersion pending = version(pipeline, at(3), "a");
    PipelineVersion finished = version(pipeline, at(1), "a");
    List.of(pending, finished, running).forEach(runs()::createVersion);
    claimFirst(running, "node");
    runs().finishVersion(finished.id(), RunStatus.CANCELLED, "stopped", at(4));

    assertThat(runs().openVersionIds()).containsExactly(running.id(), pending.id());
  }

  @Test
  default void planning_reads_a_version_without_bound_inputs_and_a_status_alone() {
    PipelineVersion version = createVersion("a", "b");
    String stepId = version.steps().get(0).id();
    runs().claimStep(stepId, 0, "node-1", inputsOfEveryJsonKind().subList(0, 3), at(10));

    PipelineVersion toPlan = runs().findVersionToPlan(version.id()).orElseThrow();
    PipelineVersion whole = runs().findVersion(version.id()).orElseThrow();

    assertThat(whole.steps().get(0).boundInputs()).isNotNull();
    assertThat(toPlan.steps()).extracting(StepVersion::boundInputs).containsOnlyNulls();
    assertThat(toPlan.steps())
        .usingRecursiveFieldByFieldElementComparatorIgnoringFields("boundInputs")
        .isEqualTo(whole.steps());
    assertThat(toPlan.status()).isEqualTo(whole.status());
    assertThat(runs().findStepVersionToPlan(stepId).orElseThrow())
        .usingRecursiveComparison()
        .ignoringFields("boundInputs")
        .isEqualTo(whole.steps().get(0));
    assertThat(runs().findStepVersionToPlan(stepId).orElseThrow().boundInputs()).isNull();
    assertThat(runs().versionStatus(version.id())).contains(RunStatus.RUNNING);
    assertThat(runs().versionStatus("no-such-run")).isEmpty();
    assertThat(runs().findVersionToPlan("no-such-run")).isEmpty();
  }

  @Test
  default void
      a_claim_and_a_completion_tell_the_progress_that_brings_a_step_read_before_up_to_date() {
    PipelineVersion version = createVersion("a", "b");
    StepVersion before = runs().findVersionToPlan(version.id()).orElseThrow().steps().get(0);
    StepProgress claimed =
        runs()
            .claimStepWithProgress(before.id(), 0, "node-1", inputsOfEveryJsonKind(), at(10))
            .orElseThrow();
    assertThat(claimed).isEqualTo(runs().findStepProgress(before.id()).orElseThrow());
    StepVersion running = before.with(claimed);
    StepProgress completed =
        runs()
            .completeStepWithProgress(
                new StepCompletion(
                    before.id(),
                    1,
                    StepStatus.COMPLETE,
                    outputsOfEveryJsonKind(),
                    null,
                    null,
                    null,
                    at(12)))
            .orElseThrow();
    assertThat(completed).isEqualTo(runs().findStepProgress(before.id()).orElseThrow());
    StepVersion complete = running.with(completed);

    assertThat(running.status()).isEqualTo(StepStatus.RUNNING);
    assertThat(complete)
        .usingRecursiveComparison()
        .isEqualTo(runs().findStepVersionToPlan(before.id()).orElseThrow());
    assertThat(complete.outputValues()).isEqualTo(outputsOfEveryJsonKind());
    assertThat(runs().findStepProgress("no-such-step")).isEmpty();
  }

  // ---- guarded state changes ----

  @Test
  default void claim_runs_the_step_at_the_next_attempt_for_the_node_and_starts_its_version_once() {
    PipelineVersion version = createVersion("a", "b");
    String stepId = version.steps().get(0).id();
    var bound = inputsOfEveryJsonKind().subList(0, 3);

    assertThat(runs().claimStep(stepId, 0, "node-1", bound, at(10))).isTrue();
    assertThat(runs().claimStep(version.steps().get(1).id(), 0, "node-1", bound, at(20))).isTrue();

    StepVersion claimed = runs().findStepVersion(stepId).orElseThrow();
    assertThat(claimed.status()).isEqualTo(StepStatus.RUNNING);
    assertThat(claimed.attempt()).isEqualTo(1);
    assertThat(claimed.claimedBy()).isEqualTo("node-1");
    assertThat(claimed.boundInputs()).isEqualTo(bound);
    assertThat(claimed.startedAt()).isEqualTo(at(10));
    PipelineVersion started = runs().findVersion(version.id()).orElseThrow();
    assertThat(started.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(started.startedAt()).isEqualTo(at(10));
    assertThat(
            count(
                "SELECT COUNT(*) FROM status_history WHERE pipeline_version = ?"
                    + " AND step_version IS NULL AND status = 'RUNNING'",
                version.id()))
        .isEqualTo(1);
  }

  @Test
  default void a_second_claim_of_the_same_attempt_fails_and_changes_nothing() {
    StepVersion step = createVersion("a").steps().get(0);
    runs().claimStep(step.id(), 0, "winner", null, at(1));
    StepVersion afterFirst = runs().findStepVersion(step.id()).orElseThrow();

    assertThat(runs().claimStep(step.id(), 0, "loser", inputsOfEveryJsonKind(), at(2))).isFalse();
    assertThat(runs().claimStep(step.id(), 1, "loser", null, at(2))).isFalse();
    assertThat(runs().claimStep("missing", 0, "loser", null, at(2))).isFalse();
    assertThat(runs().findStepVersion(step.id())).contains(afterFirst);
    assertThat(runs().history(step.id())).hasSize(2);
  }

  @Test
  default void a_claim_clears_whatever_a_previous_attempt_left_on_the_row() {
    StepVersion step = createVersion("a").steps().get(0);
    execute(
        "UPDATE step_version SET error = 'old', output_errors = 'old', output_values = '[]',"
            + " failure_cause = 'USER_CODE', completed_at = 5 WHERE id = ?",
        step.id());

    runs().claimStep(step.id(), 0, "node", null, at(1));

    StepVersion claimed = runs().findStepVersion(step.id()).orElseThrow();
    assertThat(claimed.error()).isNull();
    assertThat(claimed.outputErrors()).isNull();
    assertThat(claimed.outputValues()).isNull();
    assertThat(claimed.failureCause()).isNull();
    assertThat(claimed.completedAt()).isNull();
  }

  @Test
  default void a_completion_records_outputs_or_failure_with_completed_at() {
    PipelineVersion version = createVersion("good", "bad");
    String good = version.steps().get(0).id();
    String bad = version.steps().get(1).id();
    runs().claimStep(good, 0, "node", null, at(1));
    runs().claimStep(bad, 0, "node", null, at(1));
    var outputs = outputsOfEveryJsonKind();

    assertThat(
            runs()
                .completeStep(
                    new StepCompletion(
                        good, 1, StepStatus.COMPLETE, outputs, null, null, null, at(5))))
        .isTrue();
    assertThat(
            runs()
                .completeStep(
                    new StepCompletion(
                        bad,
                        1,
                        StepStatus.FAILED,
                        null,
                        "x: not int",
                        "Traceback...",
                        FailureCause.USER_CODE,
                        at(6))))
        .isTrue();

    StepVersion completed = runs().findStepVersion(good).orElseThrow();
    assertThat(completed.status()).isEqualTo(StepStatus.COMPLETE);
    assertThat(completed.outputValues()).isEqualTo(outputs);
    assertThat(completed.completedAt()).isEqualTo(at(5));
    assertThat(completed.updatedAt()).isEqualTo(at(5));
    StepVersion failed = runs().findStepVersion(bad).orElseThrow();
    assertThat(failed.status()).isEqualTo(StepStatus.FAILED);
    assertThat(failed.outputValues()).isNull();
    assertThat(failed.outputErrors()).isEqualTo("x: not int");
    assertThat(failed.error()).isEqualTo("Traceback...");
    assertThat(failed.failureCause()).isEqualTo(FailureCause.USER_CODE);
    assertThat(failed.completedAt()).isEqualTo(at(6));
  }

  @Test
  default void a_completion_for_a_superseded_attempt_returns_false_and_changes_nothing() {
    StepVersion step = createVersion("a").steps().get(0);
    runs().claimStep(step.id(), 0, "lost-node", null, at(1));
    runs().requeueStep(step.id(), 1, "worker lost", at(2));
    runs().claimStep(step.id(), 1, "new-node", null, at(3));
    StepVersion current = runs().findStepVersion(step.id()).orElseThrow();
    List<StatusChange> history = runs().history(step.id());

    var late =
        new StepCompletion(
            step.id(), 1, StepStatus.COMPLETE, outputsOfEveryJsonKind(), null, null, null, at(4));
    assertThat(runs().completeStep(late)).isFalse();

    assertThat(runs().findStepVersion(step.id())).contains(current);
    assertThat(runs().history(step.id())).isEqualTo(history);
    var pendingCompletion =
        new StepCompletion(
            createVersion("b").steps().get(0).id(),
            0,
            StepStatus.COMPLETE,
            null,
            null,
            null,
            null,
            at(4));
    assertThat(runs().completeStep(pendingCompletion)).isFalse();
  }

  @Test
  default void skip_turns_only_a_pending_step_into_skipped_with_the_reason() {
    PipelineVersion version = createVersion("pending", "running");
    String pending = version.steps().get(0).id();
    String running = version.steps().get(1).id();
    runs().claimStep(running, 0, "node", null, at(1));

    assertThat(runs().skipStep(pending, "upstream 'extract' failed", at(2))).isTrue();
    assertThat(runs().skipStep(running, "upstream 'extract' failed", at(2))).isFalse();
    assertThat(runs().skipStep(pending, "again", at(3))).isFalse();

    StepVersion skipped = runs().findStepVersion(pending).orElseThrow();
    assertThat(skipped.status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(skipped.error()).isEqualTo("upstream 'extract' failed");
    assertThat(skipped.updatedAt()).isEqualTo(at(2));
    assertThat(runs().findStepVersion(running).orElseThrow().status())
        .isEqualTo(StepStatus.RUNNING);
  }

  @Test
  default void requeue_returns_a_running_step_to_pending_only_at_its_current_attempt() {
    StepVersion step = createVersion("a").steps().get(0);
    runs().claimStep(step.id(), 0, "node", null, at(1));

    assertThat(runs().requeueStep(step.id(), 0, "stale attempt", at(2))).isFalse();
    assertThat(runs().requeueStep(step.id(), 1, "worker lost", at(3))).isTrue();
    assertThat(runs().requeueStep(step.id(), 1, "worker lost", at(4))).isFalse();

    StepVersion requeued = runs().findStepVersion(step.id()).orElseThrow();
    assertThat(requeued.status()).isEqualTo(StepStatus.PENDING);
    assertThat(requeued.attempt()).isEqualTo(1);
    assertThat(requeued.updatedAt()).isEqualTo(at(3));
    assertThat(runs().claimStep(step.id(), 0, "node", null, at(5))).isFalse();
    assertThat(runs().claimStep(step.id(), 1, "node", null, at(5))).isTrue();
    assertThat(runs().findStepVersion(step.id()).orElseThrow().attempt()).isEqualTo(2);
  }

  @Test
  default void finish_version_ends_an_open_version_once() {
    PipelineVersion version = createVersion("a");

    assertThat(runs().finishVersion(version.id(), RunStatus.FAILED, "step a failed", at(9)))
        .isTrue();
    assertThat(runs().finishVersion(version.id(), RunStatus.COMPLETE, null, at(10))).isFalse();

    PipelineVersion finished = runs().findVersion(version.id()).orElseThrow();
    assertThat(finished.status()).isEqualTo(RunStatus.FAILED);
    assertThat(finished.error()).isEqualTo("step a failed");
    assertThat(finished.completedAt()).isEqualTo(at(9));
    assertThat(runs().finishVersion("missing", RunStatus.COMPLETE, null, at(10))).isFalse();
  }

  @Test
  default void history_lists_every_status_change_of_a_step_oldest_first() {
    StepVersion step = createVersion("a").steps().get(0);
    runs().claimStep(step.id(), 0, "node-1", null, at(1));
    runs().requeueStep(step.id(), 1, "worker lost", at(2));
    runs().claimStep(step.id(), 1, "node-2", null, at(3));
    runs()
        .completeStep(
            new StepCompletion(
                step.id(),
                2,
                StepStatus.FAILED,
                null,
                null,
                "boom",
                FailureCause.USER_CODE,
                at(4)));

    assertThat(runs().history(step.id()))
        .containsExactly(
            new StatusChange(0, "PENDING", null, T0),
            new StatusChange(1, "RUNNING", "claimed by node-1", at(1)),
            new StatusChange(1, "PENDING", "worker lost", at(2)),
            new StatusChange(2, "RUNNING", "claimed by node-2", at(3)),
            new StatusChange(2, "FAILED", "boom", at(4)));
  }

  // ---- nodes ----

  @Test
  default void running_steps_of_nodes_without_a_recent_heartbeat_are_dead() {
    PipelineVersion version = createVersion("alive", "stale", "unknown", "edge", "done", "waiting");
    List<StepVersion> steps = version.steps();
    runs().heartbeatNode("alive", at(0));
    runs().heartbeatNode("stale", at(0));
    runs().heartbeatNode("edge", at(50));
    runs().heartbeatNode("alive", at(100));
    for (String node : List.of("alive", "stale", "unknown", "edge", "done")) {
      runs().claimStep(StoreAccess.stepNamed(steps, node).id(), 0, node, null, at(1));
    }
    runs()
        .completeStep(
            new StepCompletion(
                StoreAccess.stepNamed(steps, "done").id(),
                1,
                StepStatus.COMPLETE,
                null,
                null,
                null,
                null,
                at(2)));

    assertThat(runs().runningStepsOfDeadNodes(at(50)))
        .extracting(StepVersion::stepName)
        .containsExactlyInAnyOrder("stale", "unknown");
    assertThat(runs().runningStepsOfDeadNodes(at(101)))
        .extracting(StepVersion::stepName)
        .containsExactlyInAnyOrder("alive", "stale", "unknown", "edge");
  }
}
