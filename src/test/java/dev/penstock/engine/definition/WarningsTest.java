package dev.penstock.engine.definition;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.penstock.model.CpuSize;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.PythonFunction;
import dev.penstock.model.StepRetry;
import dev.penstock.model.VariableType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Pipeline's warning: required inputs that neither a value, a variable nor an upstream feeds.
 */
class WarningsTest {
  private static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

  @Test
  void an_input_fed_by_a_value_a_variable_default_or_any_step_upstream_is_no_warning() {
    var steps =
        List.of(
            step("a", List.of(), List.of(), "x"),
            step("b", List.of("a"), List.of(reads("from_a", "x")), "y"),
            step("c", List.of("b"), List.of(reads("from_a_two_steps_up", "x")), "z"),
            step(
                "d",
                List.of(),
                List.of(
                    reads("from_the_default", "v"),
                    valued("given"),
                    optional("not_required", "nowhere")),
                "w"));

    assertThat(Warnings.of(pipeline(variable("v", 1)), steps)).isNull();
  }

  @Test
  void an_input_only_a_step_downstream_or_aside_outputs_is_a_warning_and_so_is_no_source_at_all() {
    var steps =
        List.of(
            step("a", List.of(), List.of(reads("from_below", "y")), "x"),
            step("b", List.of("a"), List.of(reads("from_aside", "z")), "y"),
            step("c", List.of(), List.of(reads("from_nowhere", "nothing")), "z"),
            step("d", List.of(), List.of(reads("variable_without_default", "v")), "w"));

    assertThat(Warnings.of(pipeline(variable("v", null)), steps))
        .isEqualTo(
            "step 'a': input 'from_below' reads pipeline variable 'y', which has no default and is"
                + " no output of an upstream step; step 'b': input 'from_aside' reads pipeline"
                + " variable 'z', which has no default and is no output of an upstream step; step"
                + " 'c': input 'from_nowhere' reads pipeline variable 'nothing', which has no default"
                + " and is no output of an upstream step; step 'd': input"
                + " 'variable_without_default' reads pipeline variable 'v', which has no default and"
                + " is no output of an upstream step");
  }

  @Test
  void a_required_input_without_value_or_variable_is_a_warning() {
    var unfed =
        new InputMapping("lonely", VariableType.INTEGER, true, null, null, null, null, null);

    assertThat(Warnings.of(pipeline(), List.of(step("a", List.of(), List.of(unfed), "x"))))
        .isEqualTo("step 'a': input 'lonely' has no value");
  }

  private static InputMapping variable(String name, Integer value) {
    return new InputMapping(
        name,
        VariableType.INTEGER,
        false,
        value == null ? null : IntNode.valueOf(value),
        null,
        null,
        null,
        null);
  }

  private static InputMapping reads(String name, String variable) {
    return new InputMapping(name, VariableType.INTEGER, true, null, variable, null, null, null);
  }

  private static InputMapping optional(String name, String variable) {
    return new InputMapping(name, VariableType.INTEGER, false, null, variable, null, null, null);
  }

  private static InputMapping valued(String name) {
    return new InputMapping(
        name, VariableType.INTEGER, true, IntNode.valueOf(7), null, null, null, null);
  }

  private static Pipeline pipeline(InputMapping... variables) {
    return new Pipeline(
        "p", "pipeline", null, null, false, List.of(variables), null, T0, T0, false, null, null);
  }

  private static PipelineStep step(
      String name, List<String> dependencies, List<InputMapping> inputs, String output) {
    var function =
        new PythonFunction(
            "fn-" + name,
            name,
            "f",
            "def f(): pass",
            "STEP_FUNCTION",
            inputs,
            List.of(new OutputMapping(output, VariableType.INTEGER, null, null, null)),
            List.of(),
            null,
            null,
            null,
            null,
            "ps-" + name,
            T0,
            T0);
    return new PipelineStep(
        "ps-" + name,
        "p",
        name,
        function,
        dependencies,
        CpuSize.SMALL,
        1,
        1,
        StepRetry.NONE,
        T0,
        T0);
  }
}
