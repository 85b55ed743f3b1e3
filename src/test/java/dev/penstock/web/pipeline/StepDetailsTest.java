package dev.penstock.web.pipeline;

import static dev.penstock.web.pipeline.PipelineSteps.NOW;
import static dev.penstock.web.pipeline.PipelineSteps.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.penstock.model.InputMapping;
import dev.penstock.model.Pipeline;
import dev.penstock.model.VariableType;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepDetailsTest {
  private static InputMapping fromVariable(String name, String variable) {
    return new InputMapping(name, VariableType.INTEGER, true, null, variable, null, null, null);
  }

  @Test
  void each_input_says_whether_an_upstream_output_a_variable_or_a_constant_gives_its_value() {
    var variable =
        new InputMapping(
            "limit", VariableType.INTEGER, true, IntNode.valueOf(5), null, null, null, null);
    var pipeline = new Pipeline("p1", "p", null, null, false, List.of(variable), NOW, NOW);
    var first = step("first", List.of(), List.of("total"), List.of());
    var unrelated = step("unrelated", List.of(), List.of("count"), List.of());
    var middle = step("middle", List.of(), List.of(), List.of("first"));
    var last =
        step(
            "last",
            List.of(
                fromVariable("total", "total"),
                fromVariable("limit", "limit"),
                fromVariable("count", "count"),
                new InputMapping(
                    "title",
                    VariableType.STRING,
                    false,
                    TextNode.valueOf("Daily"),
                    null,
                    null,
                    null,
                    null)),
            List.of(),
            List.of("middle"));

    var detail = StepDetails.of(pipeline, List.of(first, unrelated, middle, last), last);

    assertThat(detail.inputs())
        .extracting(StepInput::name, StepInput::source, StepInput::from, StepInput::valueText)
        .containsExactly(
            tuple("total", StepInput.Source.OUTPUT, "first", "total"),
            tuple("limit", StepInput.Source.VARIABLE, "limit", "5"),
            tuple("count", StepInput.Source.VARIABLE, "count", null),
            tuple("title", StepInput.Source.CONSTANT, null, "Daily"));
    assertThat(StepDetails.of(pipeline, List.of(first, middle, last), first).dependents())
        .containsExactly("middle");
  }
}
