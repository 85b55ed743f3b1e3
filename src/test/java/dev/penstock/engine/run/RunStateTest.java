package dev.penstock.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The incremental plan must always agree with {@link ReferencePlanner}, the rules stated plainly
 * and recomputed from scratch (PlanRulesTest says what the rules are): random runs, random step
 * changes, the same plan.
 */
class RunStateTest {
  private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
  private final ReferencePlanner planner = new ReferencePlanner();

  @Test
  void agrees_with_the_planner_on_random_runs_through_every_kind_of_step_change() {
    for (int seed = 0; seed < 500; seed++) {
      replay(new Random(seed), "seed " + seed);
    }
  }

  @Test
  void starts_at_most_what_it_is_asked_for_and_the_rest_at_the_next_plan() {
    var steps = new ArrayList<StepState>();
    steps.add(step(0, StepStatus.COMPLETE, List.of()));
    for (int i = 1; i <= 5; i++) {
      steps.add(step(i, StepStatus.PENDING, List.of("s0")));
    }
    var state = new RunState(steps);

    Plan first = state.plan(NOW, 2);
    state.update(1, StepStatus.RUNNING, null);
    state.update(2, StepStatus.RUNNING, null);
    Plan second = state.plan(NOW, 2);

    assertThat(first.start()).extracting(StepState::name).containsExactly("s1", "s2");
    assertThat(second.start()).extracting(StepState::name).containsExactly("s3", "s4");
  }

  @Test
  void a_step_is_ready_since_the_change_that_made_it_so_also_once_the_run_is_read_again() {
    var steps =
        List.of(step(0, StepStatus.PENDING, List.of()), step(1, StepStatus.PENDING, List.of("s0")));
    var state = new RunState(steps, 100, null);
    state.update(0, StepStatus.RUNNING, null, 200);
    state.update(0, StepStatus.COMPLETE, null, 300);
    state.update(1, StepStatus.PENDING, null, 400); // no change: still ready since 300

    var now =
        List.of(
            step(0, StepStatus.COMPLETE, List.of()), step(1, StepStatus.PENDING, List.of("s0")));
    var readAgain = new RunState(now, 900, state);
    var readAnew = new RunState(now, 900, null);

    assertThat(new RunState(steps, 100, null).readySince(0)).isEqualTo(100);
    assertThat(state.readySince(1)).isEqualTo(300);
    assertThat(readAgain.readySince(1)).isEqualTo(300);
    assertThat(readAnew.readySince(1)).isEqualTo(900);
  }

  private void replay(Random random, String seed) {
    int n = 1 + random.nextInt(12);
    var model = new ArrayList<StepState>();
    for (int i = 0; i < n; i++) {
      var dependencies = new ArrayList<String>();
      for (int j = 0; j < i; j++) {
        if (random.nextInt(4) == 0) {
          dependencies.add("s" + j);
        }
      }
      model.add(step(i, StepStatus.PENDING, dependencies));
    }
    var state = new RunState(model);
    for (int event = 0; event < 60; event++) {
      Plan expected = planner.plan(model, NOW);
      // A plan asked for fewer starts takes the first in position order and changes nothing else.
      int maxStarts = random.nextBoolean() ? Integer.MAX_VALUE : 1 + random.nextInt(2);
      Plan actual = state.plan(NOW, maxStarts);
      String context = seed + ", event " + event + ", at most " + maxStarts + ", steps " + model;
      var expectedStarts = expected.start();
      assertThat(actual.start())
          .as(context)
          .isEqualTo(expectedStarts.subList(0, Math.min(maxStarts, expectedStarts.size())));
      assertThat(actual.skip()).as(context).isEqualTo(expected.skip());
      assertThat(actual.finish()).as(context).isEqualTo(expected.finish());
      assertThat(actual.wakeAt()).as(context).isEqualTo(expected.wakeAt());
      assertThat(actual.ready()).as(context).isEqualTo(expectedStarts.size());
      for (Plan.Skip skip : expected.skip()) {
        int position = Integer.parseInt(skip.stepVersionId().substring("sv-s".length()));
        model.set(position, with(model.get(position), StepStatus.SKIPPED, null));
      }
      if (expected.finish().isPresent() && random.nextInt(3) > 0) {
        return;
      }
      int position = random.nextInt(n);
      StepState changed = change(random, model.get(position), expected.start());
      model.set(position, changed);
      state.update(position, changed.status(), changed.notBefore());
    }
  }

  /** What the scheduler, a step's process, a retry, a reset or a cancel could do to the step. */
  private static StepState change(Random random, StepState step, List<StepState> startable) {
    return switch (step.status()) {
      case PENDING ->
          startable.contains(step)
              ? with(step, StepStatus.RUNNING, null)
              : random.nextBoolean()
                  ? with(step, StepStatus.CANCELLED, null)
                  : with(step, StepStatus.PENDING, NOW.plusSeconds(random.nextInt(3) - 1));
      case RUNNING ->
          switch (random.nextInt(5)) {
            case 0 -> with(step, StepStatus.FAILED, null);
            case 1 -> with(step, StepStatus.PENDING, NOW.plusSeconds(random.nextInt(3) - 1));
            case 2 -> with(step, StepStatus.CANCELLED, null);
            default -> with(step, StepStatus.COMPLETE, null);
          };
      default -> random.nextInt(4) == 0 ? with(step, StepStatus.PENDING, null) : step;
    };
  }

  private static StepState step(int position, StepStatus status, List<String> dependencies) {
    return new StepState("sv-s" + position, "s" + position, dependencies, status, null);
  }

  private static StepState with(StepState step, StepStatus status, Instant notBefore) {
    return new StepState(step.stepVersionId(), step.name(), step.dependencies(), status, notBefore);
  }
}
