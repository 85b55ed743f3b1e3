package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import dev.penstock.store.StatusCounts;
import dev.penstock.store.StepCompletion;
import org.junit.jupiter.api.Test;

/** The counts behind the server's metrics: every run and step version, by status. */
interface StatusCountsContract extends StoreAccess {
  StatusCounts statusCounts();

  @Test
  default void an_empty_store_counts_nothing_and_answers_a_ping() {
    statusCounts().ping();

    assertThat(statusCounts().runsByStatus()).isEmpty();
    assertThat(statusCounts().stepsByStatus()).isEmpty();
  }

  @Test
  default void runs_and_steps_are_counted_by_their_status() {
    PipelineVersion finished = createVersion("a", "b", "c");
    var steps = finished.steps();
    runs().admitVersion(finished.id(), at(1));
    runs().claimStep(steps.get(0).id(), 0, "node", null, at(1));
    runs()
        .completeStep(
            new StepCompletion(
                steps.get(0).id(), 1, StepStatus.COMPLETE, null, null, null, null, at(2)));
    runs().claimStep(steps.get(1).id(), 0, "node", null, at(2));
    runs()
        .completeStep(
            new StepCompletion(
                steps.get(1).id(), 1, StepStatus.FAILED, null, null, "boom", null, at(3)));
    runs().skipStep(steps.get(2).id(), "upstream failed", at(3));
    runs().finishVersion(finished.id(), RunStatus.FAILED, "b failed", at(4));
    PipelineVersion running = createVersion("x", "y");
    runs().admitVersion(running.id(), at(5));
    runs().claimStep(running.steps().get(0).id(), 0, "node", null, at(5));
    createVersion("p");

    assertThat(statusCounts().runsByStatus())
        .containsOnly(
            entry(RunStatus.FAILED, 1L),
            entry(RunStatus.RUNNING, 1L),
            entry(RunStatus.PENDING, 1L));
    assertThat(statusCounts().stepsByStatus())
        .containsOnly(
            entry(StepStatus.COMPLETE, 1L),
            entry(StepStatus.FAILED, 1L),
            entry(StepStatus.SKIPPED, 1L),
            entry(StepStatus.RUNNING, 1L),
            entry(StepStatus.PENDING, 2L));
  }
}
