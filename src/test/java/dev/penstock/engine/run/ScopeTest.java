package dev.penstock.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.RunTrigger;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.model.VariableType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Contract §7, rule 1, as a step's launch sees it: the variables, then outputs by completion. */
class ScopeTest {
  private static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

  @Test
  void a_later_completion_wins_and_outputs_override_the_run_variables() {
    var version =
        version(
            List.of(variable("x", 1), variable("y", 2)),
            complete("late", T0.plusSeconds(2), output("x", 30)),
            complete("early", T0.plusSeconds(1), output("x", 20)));

    var scope = Scope.of(version).forStep(reading("x", "y"));

    assertThat(scope)
        .containsEntry("x", IntNode.valueOf(30))
        .containsEntry("y", IntNode.valueOf(2));
  }

  @Test
  void of_two_completions_at_one_instant_the_later_in_the_run_wins_and_no_time_is_the_earliest() {
    var version =
        version(
            List.of(),
            complete("first", T0, output("x", 1)),
            complete("second", T0, output("x", 2)),
            complete("untimed", null, output("x", 3), output("y", 4)));

    var scope = Scope.of(version).forStep(reading("x", "y"));

    assertThat(scope).containsEntry("x", IntNode.valueOf(2)).containsEntry("y", IntNode.valueOf(4));
  }

  @Test
  void holds_only_what_the_step_reads_and_nothing_from_steps_not_complete() {
    var running = with(complete("running", T0, output("z", 9)), StepStatus.RUNNING);
    var version = version(List.of(variable("v", 1)), complete("done", T0, output("x", 1)), running);

    assertThat(Scope.of(version).forStep(reading("x", "z"))).containsOnlyKeys("x");
    assertThat(Scope.of(version).forStep(reading())).isEmpty();
  }

  @Test
  void completions_fed_one_at_a_time_in_any_order_give_the_scope_of_the_whole_run() {
    var random = new Random(42);
    Instant[] times = {null, T0, T0.plusSeconds(1), T0.plusSeconds(2)};
    String[] names = {"a", "b", "c", "d"};
    for (int trial = 0; trial < 500; trial++) {
      var steps = new ArrayList<StepVersion>();
      int size = 1 + random.nextInt(8);
      for (int i = 0; i < size; i++) {
        var outputs = new ArrayList<OutputMapping>();
        for (String name : names) {
          if (random.nextInt(3) == 0) {
            outputs.add(output(name, 100 * trial + i));
          }
        }
        var step = step("s" + i, List.of(), StepStatus.COMPLETE, outputs, times[random.nextInt(4)]);
        steps.add(random.nextInt(4) == 0 ? with(step, StepStatus.RUNNING) : step);
      }
      var whole = version(List.of(variable("a", -1), variable("d", -2)), steps);
      var reader = reading(names);

      var fed = Scope.of(version(whole.variables(), List.of()));
      var order = new ArrayList<Integer>();
      for (int i = 0; i < size; i++) {
        order.add(i);
      }
      Collections.shuffle(order, random);
      order.forEach(i -> fed.completed(steps.get(i), i));

      var expected = byScanningInRunOrder(whole, names);
      assertThat(Scope.of(whole).forStep(reader)).as("trial %d", trial).isEqualTo(expected);
      assertThat(fed.forStep(reader)).as("trial %d, fed in %s", trial, order).isEqualTo(expected);
    }
  }

  /** The rule as the contract states it, the slow way: later completion, then later position. */
  private static Map<String, JsonNode> byScanningInRunOrder(
      PipelineVersion version, String... names) {
    var scope = new HashMap<String, JsonNode>();
    version.variables().forEach(v -> scope.put(v.name(), v.value()));
    var winners = new HashMap<String, StepVersion>();
    for (StepVersion step : version.steps()) {
      if (step.status() != StepStatus.COMPLETE) {
        continue;
      }
      for (OutputMapping output : step.outputValues()) {
        StepVersion winner = winners.get(output.name());
        boolean earlier =
            winner != null
                && winner.completedAt() != null
                && (step.completedAt() == null
                    || step.completedAt().isBefore(winner.completedAt()));
        if (!earlier) {
          winners.put(output.name(), step);
          scope.put(output.name(), output.value());
        }
      }
    }
    scope.keySet().retainAll(List.of(names));
    return scope;
  }

  private static InputMapping variable(String name, int value) {
    return new InputMapping(
        name, VariableType.INTEGER, false, IntNode.valueOf(value), null, null, null, null);
  }

  private static OutputMapping output(String name, int value) {
    return new OutputMapping(name, VariableType.INTEGER, null, null, IntNode.valueOf(value));
  }

  private static StepVersion reading(String... variables) {
    var inputs =
        Arrays.stream(variables)
            .map(v -> new InputMapping(v, VariableType.INTEGER, true, null, v, null, null, null))
            .toList();
    return step("reader", inputs, StepStatus.PENDING, null, null);
  }

  private static StepVersion complete(String name, Instant at, OutputMapping... outputs) {
    return step(name, List.of(), StepStatus.COMPLETE, List.of(outputs), at);
  }

  private static StepVersion with(StepVersion step, StepStatus status) {
    return step(step.stepName(), step.inputs(), status, step.outputValues(), step.completedAt());
  }

  private static PipelineVersion version(List<InputMapping> variables, StepVersion... steps) {
    return version(variables, List.of(steps));
  }

  private static PipelineVersion version(List<InputMapping> variables, List<StepVersion> steps) {
    return new PipelineVersion(
        "pv",
        "p",
        "pipeline",
        RunStatus.RUNNING,
        null,
        RunTrigger.MANUAL,
        variables,
        T0,
        T0,
        T0,
        null,
        steps,
        null);
  }

  private static StepVersion step(
      String name,
      List<InputMapping> inputs,
      StepStatus status,
      List<OutputMapping> outputValues,
      Instant completedAt) {
    return TestStepVersions.stepVersion(name, inputs, status, outputValues, completedAt);
  }
}
