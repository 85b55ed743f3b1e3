package dev.penstock.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The planning rules, as the server's {@link RunState} applies them to a run read whole. */
class PlanRulesTest {
  /** Plans as if every retry were due. */
  private static Plan plan(List<StepState> steps) {
    return new RunState(steps).plan(Instant.MAX, Integer.MAX_VALUE);
  }

  private static StepState step(String name, StepStatus status, String... deps) {
    return new StepState("sv-" + name, name, List.of(deps), status);
  }

  private static List<String> names(List<StepState> steps) {
    return steps.stream().map(StepState::name).toList();
  }

  @Test
  void a_fresh_run_starts_every_step_without_dependencies() {
    var plan =
        plan(
            List.of(
                step("a", StepStatus.PENDING),
                step("b", StepStatus.PENDING, "a"),
                step("c", StepStatus.PENDING)));
    assertThat(names(plan.start())).containsExactly("a", "c");
    assertThat(plan.skip()).isEmpty();
    assertThat(plan.finish()).isEmpty();
  }

  @Test
  void a_step_starts_once_every_upstream_is_complete() {
    var waiting =
        plan(
            List.of(
                step("a", StepStatus.COMPLETE),
                step("b", StepStatus.RUNNING),
                step("c", StepStatus.PENDING, "a", "b")));
    assertThat(waiting.start()).isEmpty();
    var ready =
        plan(
            List.of(
                step("a", StepStatus.COMPLETE),
                step("b", StepStatus.COMPLETE),
                step("c", StepStatus.PENDING, "a", "b")));
    assertThat(names(ready.start())).containsExactly("c");
  }

  @Test
  void a_failure_skips_everything_downstream_naming_the_failed_step_and_lets_other_branches_run() {
    var plan =
        plan(
            List.of(
                step("a", StepStatus.FAILED),
                step("b", StepStatus.PENDING, "a"),
                step("c", StepStatus.PENDING, "b"),
                step("d", StepStatus.PENDING)));
    assertThat(plan.skip()).extracting(Plan.Skip::stepVersionId).containsExactly("sv-b", "sv-c");
    assertThat(plan.skip().get(0).reason()).isEqualTo("skipped because upstream step 'a' failed");
    assertThat(plan.skip().get(1).reason())
        .isEqualTo("skipped because upstream step 'b' was skipped");
    assertThat(names(plan.start())).containsExactly("d");
    assertThat(plan.finish()).isEmpty();
  }

  @Test
  void a_run_whose_steps_all_ended_finishes_failed_naming_the_failed_steps() {
    var plan =
        plan(
            List.of(
                step("a", StepStatus.FAILED),
                step("b", StepStatus.COMPLETE),
                step("c", StepStatus.FAILED),
                step("d", StepStatus.PENDING, "c")));
    assertThat(plan.finish())
        .contains(new Plan.Finish(RunStatus.FAILED, "Pipeline failed: steps 'a', 'c' failed"));
  }

  @Test
  void a_run_whose_steps_all_completed_finishes_complete() {
    var plan = plan(List.of(step("a", StepStatus.COMPLETE), step("b", StepStatus.COMPLETE, "a")));
    assertThat(plan.finish()).contains(new Plan.Finish(RunStatus.COMPLETE, null));
  }

  @Test
  void skips_cascade_in_dependency_order_even_when_steps_are_listed_backwards() {
    var plan =
        plan(
            List.of(
                step("c", StepStatus.PENDING, "b"),
                step("b", StepStatus.PENDING, "a"),
                step("a", StepStatus.FAILED)));
    assertThat(plan.skip()).extracting(Plan.Skip::stepVersionId).containsExactly("sv-b", "sv-c");
    assertThat(plan.finish()).map(Plan.Finish::status).contains(RunStatus.FAILED);
  }

  /** Every assignment of statuses over small DAGs: the invariants hold for each. */
  @Test
  void invariants_hold_for_every_status_assignment_of_small_dags() {
    Map<String, List<List<String>>> dags =
        Map.of(
            "chain", List.of(List.of(), List.of("s0"), List.of("s1"), List.of("s2")),
            "diamond", List.of(List.of(), List.of("s0"), List.of("s0"), List.of("s1", "s2")),
            "fan-out",
                List.of(List.of(), List.of("s0"), List.of("s0"), List.of("s0"), List.of("s0")),
            "fan-in",
                List.of(
                    List.of(), List.of(), List.of(), List.of(), List.of("s0", "s1", "s2", "s3")));
    StepStatus[] statuses = {
      StepStatus.PENDING,
      StepStatus.RUNNING,
      StepStatus.COMPLETE,
      StepStatus.FAILED,
      StepStatus.SKIPPED
    };
    int checked = 0;
    for (var dag : dags.values()) {
      int n = dag.size();
      int combinations = (int) Math.pow(statuses.length, n);
      for (int code = 0; code < combinations; code++) {
        var steps = new ArrayList<StepState>();
        int rest = code;
        for (int i = 0; i < n; i++) {
          steps.add(
              step("s" + i, statuses[rest % statuses.length], dag.get(i).toArray(String[]::new)));
          rest /= statuses.length;
        }
        checkInvariants(steps);
        checked++;
      }
    }
    assertThat(checked).isEqualTo(2 * 625 + 2 * 3125);
  }

  private void checkInvariants(List<StepState> steps) {
    Plan plan = plan(steps);
    Map<String, StepStatus> status = new HashMap<>();
    steps.forEach(step -> status.put(step.name(), step.status()));
    for (StepState started : plan.start()) {
      assertThat(started.status()).isEqualTo(StepStatus.PENDING);
      for (String dep : started.dependencies()) {
        assertThat(status.get(dep)).as("upstream of a started step").isEqualTo(StepStatus.COMPLETE);
      }
    }
    boolean open = steps.stream().anyMatch(step -> !step.status().terminal());
    boolean running = steps.stream().anyMatch(step -> step.status() == StepStatus.RUNNING);
    if (plan.finish().isPresent()) {
      assertThat(running).as("no run finishes with a step running").isFalse();
    }
    if (open && !running) {
      assertThat(plan.isEmpty())
          .as("an open run with nothing running always gets a plan: " + steps)
          .isFalse();
    }
    // Applying the plan and planning again repeats nothing.
    var applied = new ArrayList<StepState>();
    for (StepState step : steps) {
      StepStatus next = step.status();
      if (plan.start().contains(step)) {
        next = StepStatus.RUNNING;
      }
      for (Plan.Skip skip : plan.skip()) {
        if (skip.stepVersionId().equals(step.stepVersionId())) {
          next = StepStatus.SKIPPED;
        }
      }
      applied.add(new StepState(step.stepVersionId(), step.name(), step.dependencies(), next));
    }
    if (plan.finish().isEmpty()) {
      Plan again = plan(applied);
      assertThat(again.start()).isEmpty();
      assertThat(again.skip()).isEmpty();
    }
  }
}
