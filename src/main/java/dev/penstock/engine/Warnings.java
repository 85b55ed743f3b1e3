package dev.penstock.engine;

import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Pipeline's {@code warning}: inputs that nothing will provide. Pure and thread-safe. */
public final class Warnings {
  private Warnings() {}

  /** Null when every required input has a source; otherwise one sentence per unprovided input. */
  public static String of(Pipeline pipeline, List<PipelineStep> steps) {
    Set<String> variables = new HashSet<>();
    for (InputMapping variable : pipeline.variables()) {
      if (variable.value() != null && !variable.value().isNull()) {
        variables.add(variable.name());
      }
    }
    Map<String, PipelineStep> byName = new HashMap<>();
    steps.forEach(step -> byName.put(step.name(), step));
    var problems = new ArrayList<String>();
    for (PipelineStep step : steps) {
      Set<String> upstreamOutputs = upstreamOutputs(step, byName);
      for (InputMapping input : step.function().inputs()) {
        boolean hasValue = input.value() != null && !input.value().isNull();
        String variable = input.pipelineVariable();
        boolean provided =
            variable != null
                && (variables.contains(variable) || upstreamOutputs.contains(variable));
        if (input.isRequired() && !hasValue && !provided) {
          problems.add(
              variable == null
                  ? "step '%s': input '%s' has no value".formatted(step.name(), input.name())
                  : "step '%s': input '%s' reads pipeline variable '%s', which has no default and is no output of an upstream step"
                      .formatted(step.name(), input.name(), variable));
        }
      }
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  private static Set<String> upstreamOutputs(PipelineStep step, Map<String, PipelineStep> byName) {
    var outputs = new HashSet<String>();
    var seen = new HashSet<String>();
    var pending = new ArrayList<>(step.dependencies());
    while (!pending.isEmpty()) {
      String name = pending.remove(pending.size() - 1);
      PipelineStep upstream = byName.get(name);
      if (upstream == null || !seen.add(name)) {
        continue;
      }
      for (OutputMapping output : upstream.function().outputs()) {
        outputs.add(output.name());
      }
      pending.addAll(upstream.dependencies());
    }
    return outputs;
  }
}
