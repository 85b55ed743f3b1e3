package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.T0;
import static dev.penstock.store.jdbc.StoreFixtures.at;
import static dev.penstock.store.jdbc.StoreFixtures.pipeline;
import static dev.penstock.store.jdbc.StoreFixtures.scheduledPipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The schedule part of the PipelineStore contract: setSchedule, dueSchedules and the claim. */
interface ScheduleStoreContract extends StoreAccess {

  @Test
  default void a_created_pipeline_keeps_its_schedule() {
    Pipeline pipeline = scheduledPipeline("hourly", at(3600));
    pipelines().createPipeline(pipeline);

    assertThat(pipelines().findPipeline(pipeline.id())).contains(pipeline);
    assertThat(pipelines().findPipeline(pipeline.id()).orElseThrow().nextRunAt())
        .isEqualTo(at(3600));
  }

  @Test
  default void set_schedule_replaces_cron_pause_and_next_run_and_nothing_else() {
    Pipeline pipeline = scheduledPipeline("retimed", at(3600));
    pipelines().createPipeline(pipeline);

    pipelines().setSchedule(pipeline.id(), "*/5 * * * *", true, null, at(10));
    var paused = pipelines().findPipeline(pipeline.id()).orElseThrow();
    pipelines().setSchedule(pipeline.id(), null, false, null, at(20));
    var unset = pipelines().findPipeline(pipeline.id()).orElseThrow();

    assertThat(paused)
        .extracting(Pipeline::cron, Pipeline::schedulePaused, Pipeline::nextRunAt)
        .containsExactly("*/5 * * * *", true, null);
    assertThat(paused.updatedAt()).isEqualTo(at(10));
    assertThat(paused.variables()).isEqualTo(pipeline.variables());
    assertThat(paused.name()).isEqualTo("retimed");
    assertThat(unset)
        .extracting(Pipeline::cron, Pipeline::schedulePaused, Pipeline::nextRunAt)
        .containsExactly(null, false, null);
    assertThatThrownBy(() -> pipelines().setSchedule("ghost", null, false, null, T0))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  default void due_schedules_are_the_unpaused_ones_at_or_before_now_earliest_first() {
    var late = scheduledPipeline("late", at(60));
    var early = scheduledPipeline("early", at(30));
    var exactlyNow = scheduledPipeline("exactly_now", at(100));
    var future = scheduledPipeline("future", at(101));
    var paused = scheduledPipeline("paused", at(10));
    var neverTimed = scheduledPipeline("never_timed", null);
    var unscheduled = pipeline("unscheduled");
    for (var pipeline : new Pipeline[] {late, early, exactlyNow, future, paused, neverTimed}) {
      pipelines().createPipeline(pipeline);
    }
    pipelines().createPipeline(unscheduled);
    pipelines().setSchedule(paused.id(), paused.cron(), true, at(10), T0);
    pipelines().setSchedule(unscheduled.id(), null, false, at(10), T0);

    assertThat(pipelines().dueSchedules(at(100)))
        .extracting(Pipeline::name)
        .containsExactly("early", "late", "exactly_now");
    assertThat(pipelines().dueSchedules(at(29))).isEmpty();
  }

  @Test
  default void a_firing_is_claimed_once_and_a_stale_paused_or_missing_one_not_at_all() {
    var hourly = scheduledPipeline("claimed", at(3600));
    var paused = scheduledPipeline("paused_meanwhile", at(3600));
    pipelines().createPipeline(hourly);
    pipelines().createPipeline(paused);
    pipelines().setSchedule(paused.id(), paused.cron(), true, at(3600), T0);

    assertThat(pipelines().claimScheduledRun(hourly.id(), at(3600), at(7200))).isTrue();
    assertThat(pipelines().claimScheduledRun(hourly.id(), at(3600), at(7200))).isFalse();
    assertThat(pipelines().claimScheduledRun(hourly.id(), at(1), at(7200))).isFalse();
    assertThat(pipelines().claimScheduledRun(paused.id(), at(3600), at(7200))).isFalse();
    assertThat(pipelines().claimScheduledRun("ghost", at(3600), at(7200))).isFalse();
    assertThat(pipelines().findPipeline(hourly.id()).orElseThrow().nextRunAt()).isEqualTo(at(7200));
    assertThat(pipelines().findPipeline(paused.id()).orElseThrow().nextRunAt()).isEqualTo(at(3600));
  }

  @Test
  default void a_claim_with_no_next_firing_leaves_the_schedule_never_due_again() {
    var last = scheduledPipeline("last_firing", at(60));
    pipelines().createPipeline(last);

    assertThat(pipelines().claimScheduledRun(last.id(), at(60), null)).isTrue();

    assertThat(pipelines().dueSchedules(at(1_000_000))).isEmpty();
    assertThat(pipelines().findPipeline(last.id()).orElseThrow().cron()).isEqualTo("0 * * * *");
  }

  @Test
  default void eight_threads_claiming_the_same_firing_claim_it_exactly_once() throws Exception {
    var pipeline = scheduledPipeline("raced", at(60));
    pipelines().createPipeline(pipeline);
    var start = new CountDownLatch(1);
    var threads = Executors.newFixedThreadPool(8);
    var results = new ArrayList<Future<Boolean>>();
    try {
      for (int thread = 0; thread < 8; thread++) {
        results.add(
            threads.submit(
                () -> {
                  start.await();
                  return pipelines().claimScheduledRun(pipeline.id(), at(60), at(3660));
                }));
      }
      start.countDown();
      int winners = 0;
      for (Future<Boolean> result : results) {
        winners += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      threads.shutdownNow();
    }
  }
}
