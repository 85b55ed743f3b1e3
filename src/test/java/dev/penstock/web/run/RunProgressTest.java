package dev.penstock.web.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RunProgressTest {
  static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");

  private final FakeRunOverview store = new FakeRunOverview(T0, "a", "b", "c");
  private final RunProgress everything = new RunProgress(id -> true, Map.of());

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private LiveUpdate begin(RunProgress progress, Instant readAt, Long lastEventId) {
    return progress.begin(store.run(), store.all(), readAt, lastEventId);
  }

  private LiveUpdate poll(RunProgress progress, Instant readAt) {
    return progress.next(
        store.run(), store.stepProgress(FakeRunOverview.RUN, progress.since()), readAt);
  }

  @Test
  void the_first_event_counts_every_step_and_sends_none_without_a_last_event_id() {
    store.step("a", StepStatus.RUNNING, at(1));

    LiveUpdate first = begin(everything, at(2), null);

    assertThat(first.steps()).isEmpty();
    assertThat(first.run().counts()).containsEntry("PENDING", 2).containsEntry("RUNNING", 1);
    assertThat(first.run().counts()).containsEntry("COMPLETE", 0);
    assertThat(first.id()).isEqualTo(at(1).toEpochMilli());
  }

  @Test
  void a_poll_sends_the_steps_that_changed_once_and_counts_follow_them() {
    begin(everything, at(0), null);
    store.step("a", StepStatus.RUNNING, at(1));

    LiveUpdate started = poll(everything, at(1));
    LiveUpdate again = poll(everything, at(1)); // the same rows, read again within the slack

    assertThat(started.steps())
        .extracting(LiveStep::id, LiveStep::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "running"));
    assertThat(started.run().counts()).containsEntry("RUNNING", 1).containsEntry("PENDING", 2);
    assertThat(again).isNull();

    store.step("a", StepStatus.COMPLETE, at(3));
    LiveUpdate done = poll(everything, at(4));

    assertThat(done.steps())
        .singleElement()
        .satisfies(
            step -> {
              assertThat(step.status()).isEqualTo("complete");
              assertThat(step.duration()).isEqualTo("2.0 s");
              assertThat(step.completedAt()).isEqualTo(at(3).toString());
            });
    assertThat(done.run().counts()).containsEntry("COMPLETE", 1).containsEntry("RUNNING", 0);
    assertThat(done.id()).isEqualTo(at(3).toEpochMilli());
  }

  @Test
  void each_poll_reads_from_a_slack_before_the_previous_one() {
    begin(everything, at(10), null);
    assertThat(everything.since()).isEqualTo(at(10).minus(RunProgress.SLACK));

    poll(everything, at(11));

    assertThat(everything.since()).isEqualTo(at(11).minus(RunProgress.SLACK));
  }

  @Test
  void a_change_that_commits_late_behind_a_newer_one_is_still_sent() {
    begin(everything, at(10), null);
    store.step("b", StepStatus.RUNNING, at(11));
    assertThat(poll(everything, at(11)).steps()).extracting(LiveStep::id).containsExactly("b");

    // "a" was stamped at 10.5 s but committed after the poll of 11 s had read
    store.step("a", StepStatus.RUNNING, at(10).plusMillis(500));

    assertThat(poll(everything, at(12)).steps()).extracting(LiveStep::id).containsExactly("a");
  }

  @Test
  void a_rerun_that_keeps_the_status_but_raises_the_attempt_is_sent() {
    store.step("a", StepStatus.RUNNING, at(1));
    begin(everything, at(2), null);
    store.step("a", StepStatus.PENDING, at(3));
    store.step("a", StepStatus.RUNNING, at(3));

    LiveUpdate rerun = poll(everything, at(4));

    assertThat(rerun.steps())
        .singleElement()
        .satisfies(
            step -> {
              assertThat(step.attempt()).isEqualTo(2);
              assertThat(step.subtitle()).isEqualTo("1.0 s · attempt 2");
            });
  }

  @Test
  void resuming_sends_what_changed_from_a_slack_before_the_last_event_id_on() {
    store.step("a", StepStatus.RUNNING, at(1));
    store.step("a", StepStatus.COMPLETE, at(2));
    long lastEventId = at(2).toEpochMilli(); // the browser saw "a" complete, then lost the stream
    store.step("b", StepStatus.RUNNING, at(30));
    store.step("c", StepStatus.RUNNING, at(2).plusMillis(100)); // stamped just after, sent too

    LiveUpdate resumed = begin(everything, at(31), lastEventId);

    assertThat(resumed.steps()).extracting(LiveStep::id).containsExactlyInAnyOrder("b", "c", "a");
    LiveUpdate later = begin(new RunProgress(id -> true, Map.of()), at(31), at(10).toEpochMilli());
    assertThat(later.steps()).extracting(LiveStep::id).containsExactly("b");
    assertThat(later.run().counts()).containsEntry("COMPLETE", 1).containsEntry("RUNNING", 2);
    assertThat(later.id()).isEqualTo(at(30).toEpochMilli());
  }

  @Test
  void steps_the_page_does_not_show_are_counted_but_not_sent() {
    var tableOnly = new RunProgress(Set.of("a")::contains, Map.of());
    begin(tableOnly, at(0), null);
    store.step("a", StepStatus.RUNNING, at(1));
    store.step("b", StepStatus.RUNNING, at(1));

    LiveUpdate update = poll(tableOnly, at(2));

    assertThat(update.steps()).extracting(LiveStep::id).containsExactly("a");
    assertThat(update.run().counts()).containsEntry("RUNNING", 2);
  }

  @Test
  void a_group_is_summarised_again_when_a_member_changes() {
    var grouped = new RunProgress(id -> id.equals("a"), Map.of("b", "group:b", "c", "group:b"));
    LiveUpdate first = begin(grouped, at(0), null);
    assertThat(first.groups()).containsExactly(new LiveGroup("group:b", "pending", "2 pending"));
    store.step("a", StepStatus.RUNNING, at(1));
    assertThat(poll(grouped, at(1)).groups()).isEmpty();

    store.step("c", StepStatus.RUNNING, at(2));
    LiveUpdate update = poll(grouped, at(2));

    assertThat(update.steps()).isEmpty();
    assertThat(update.groups())
        .containsExactly(new LiveGroup("group:b", "running", "1 running · 1 pending"));
  }

  @Test
  void the_run_ending_is_an_update_even_when_no_step_changed() {
    begin(everything, at(0), null);
    store.run(RunStatus.CANCELLED, at(5));

    LiveUpdate ended = poll(everything, at(6));

    assertThat(ended.run().status()).isEqualTo("cancelled");
    assertThat(ended.run().open()).isFalse();
    assertThat(ended.run().duration()).isEqualTo("5.0 s");
    assertThat(ended.id()).isEqualTo(at(5).toEpochMilli());
    assertThat(poll(everything, at(7))).isNull();
  }

  @Test
  void an_update_holds_the_changed_steps_only_however_many_steps_the_run_has() {
    String[] ids = new String[10_000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = "s" + i;
    }
    var big = new FakeRunOverview(T0, ids);
    var progress = new RunProgress(id -> true, Map.of());
    progress.begin(big.run(), big.all(), at(0), null);
    big.step("s42", StepStatus.RUNNING, at(5));

    LiveUpdate update =
        progress.next(big.run(), big.stepProgress(FakeRunOverview.RUN, progress.since()), at(6));

    assertThat(update.steps()).extracting(LiveStep::id).containsExactly("s42");
  }
}
