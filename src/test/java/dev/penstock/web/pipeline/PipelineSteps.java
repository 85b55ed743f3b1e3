package dev.penstock.web.pipeline;

import dev.penstock.model.CpuSize;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.PythonFunction;
import dev.penstock.model.StepRetry;
import dev.penstock.model.VariableType;
import java.time.Instant;
import java.util.List;

/** Pipeline steps as the store gives them, built in a line for the pages' unit tests. */
final class PipelineSteps {
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private PipelineSteps() {}

  /** Step {@code name} of pipeline p1 calling {@code name()}, with INTEGER outputs. */
  static PipelineStep step(
      String name, List<InputMapping> inputs, List<String> outputs, List<String> after) {
    var function =
        new PythonFunction(
            "f-" + name,
            name,
            name,
            "def " + name + "(): pass",
            "STEP_FUNCTION",
            inputs,
            outputs.stream()
                .map(output -> new OutputMapping(output, VariableType.INTEGER, null, null, null))
                .toList(),
            List.of(),
            null,
            null,
            null,
            null,
            "s-" + name,
            NOW,
            NOW);
    return new PipelineStep(
        "s-" + name, "p1", name, function, after, CpuSize.SMALL, 16, 300, StepRetry.NONE, NOW, NOW);
  }

  /** A step with no inputs or outputs, after {@code upstream}. */
  static PipelineStep step(String name, String... upstream) {
    return step(name, List.of(), List.of(), List.of(upstream));
  }
}
