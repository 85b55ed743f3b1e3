package dev.penstock.web.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.FailureCause;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepStatus;
import dev.penstock.store.StepProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StepTablesTest {
  static final Instant T0 = Instant.parse("2026-05-01T10:00:00Z");
  static final Instant NOW = T0.plusSeconds(600);

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  private static StepProgress step(
      int position, StepStatus status, int attempt, Instant started, Instant completed) {
    return new StepProgress(
        "s" + position,
        "step_" + position,
        position,
        status,
        attempt,
        0,
        started,
        completed,
        at(0));
  }

  private final List<Collection<String>> attemptReads = new ArrayList<>();

  private StepTable page(
      List<StepProgress> all, RunQuery query, Map<String, List<StepAttempt>> ended) {
    return StepTables.page(
        all,
        query,
        ids -> {
          attemptReads.add(List.copyOf(ids));
          return ended;
        },
        NOW);
  }

  private static RunQuery query(int page, StepStatus status) {
    return new RunQuery(page, status, Set.of(), null);
  }

  @Test
  void a_page_holds_at_most_a_hundred_steps_and_reads_only_their_attempts() {
    var all = new ArrayList<StepProgress>();
    for (int i = 0; i < 250; i++) {
      all.add(step(i, i % 50 == 0 ? StepStatus.FAILED : StepStatus.PENDING, 0, null, null));
    }

    StepTable third = page(all, query(3, null), Map.of());
    StepTable beyond = page(all, query(9, null), Map.of());
    StepTable failed = page(all, query(1, StepStatus.FAILED), Map.of());

    assertThat(third.rows()).hasSize(50);
    assertThat(third.rows().getFirst().step().id()).isEqualTo("s200");
    assertThat(third.pages()).isEqualTo(3);
    assertThat(attemptReads.getFirst()).hasSize(50).contains("s200", "s249");
    assertThat(beyond.page()).as("a page past the end shows the last").isEqualTo(3);
    assertThat(failed.rows())
        .extracting(row -> row.step().id())
        .containsExactly("s0", "s50", "s100", "s150", "s200");
    assertThat(failed.matching()).isEqualTo(5);
  }

  @Test
  void the_timeline_spans_the_pages_attempts_from_first_start_to_last_end() {
    var all =
        List.of(
            step(0, StepStatus.COMPLETE, 1, at(10), at(20)),
            step(1, StepStatus.COMPLETE, 1, at(20), at(50)),
            step(2, StepStatus.PENDING, 0, null, null));

    StepTable table = page(all, query(1, null), Map.of());

    assertThat(table.windowStart()).isEqualTo(at(10).toEpochMilli());
    assertThat(table.windowEnd()).isEqualTo(at(50).toEpochMilli());
    TimelineBar second = table.rows().get(1).bars().getFirst();
    assertThat(second.left()).isEqualTo(25.0);
    assertThat(second.width()).isEqualTo(75.0);
    assertThat(table.rows().get(2).bars()).isEmpty();
  }

  @Test
  void a_running_attempt_reaches_now_and_earlier_attempts_are_drawn_faded() {
    var running = step(0, StepStatus.RUNNING, 2, at(500), null);
    var failedFirst =
        new StepAttempt(
            1, "FAILED", FailureCause.USER_CODE, "boom", null, null, null, at(400), at(450), null);

    StepTable table = page(List.of(running), query(1, null), Map.of("s0", List.of(failedFirst)));

    var bars = table.rows().getFirst().bars();
    assertThat(bars).extracting(TimelineBar::status).containsExactly("failed", "running");
    assertThat(bars).extracting(TimelineBar::earlier).containsExactly(true, false);
    assertThat(bars.get(1).end()).as("still running").isZero();
    assertThat(table.windowEnd()).isEqualTo(NOW.toEpochMilli());
  }

  @Test
  void an_ended_step_is_drawn_once_whether_or_not_its_attempt_was_kept() {
    var complete = step(0, StepStatus.COMPLETE, 2, at(100), at(130));
    var attempts =
        List.of(
            new StepAttempt(1, "FAILED", null, "boom", null, null, null, at(10), at(20), null),
            new StepAttempt(2, "COMPLETE", null, null, null, null, null, at(100), at(130), null));

    var bars =
        page(List.of(complete), query(1, null), Map.of("s0", attempts)).rows().getFirst().bars();

    assertThat(bars).extracting(TimelineBar::status).containsExactly("failed", "complete");
    assertThat(bars).extracting(TimelineBar::earlier).containsExactly(true, false);
  }
}
