package dev.penstock.engine.definition;

import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import java.util.ArrayDeque;
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
      for (InputMapping input : step.function().inputs()) {
        boolean hasValue = input.value() != null && !input.value().isNull();
        if (!input.isRequired() || hasValue) {
          continue;
        }
        String variable = input.pipelineVariable();
        if (variable == null) {
          problems.add("step '%s': input '%s' has no value".formatted(step.name(), input.name()));
        } else if (!variables.contains(variable) && !upstreamOutputs(step, variable, byName)) {
          problems.add(
              "step '%s': input '%s' reads pipeline variable '%s', which has no default and is no output of an upstream step"
                  .formatted(step.name(), input.name(), variable));
        }
      }
    }
    return problems.isEmpty() ? null : String.join("; ", problems);
  }

  /**
   * Whether a step upstream of {@code step} outputs {@code name}. Nearest first, and done at the
   * first found: an input usually reads its parent's output, and in a long chain collecting every
   * ancestor's outputs for every step would cost the square of its length.
   */
  private static boolean upstreamOutputs(
      PipelineStep step, String name, Map<String, PipelineStep> byName) {
    var seen = new HashSet<String>();
    var pending = new ArrayDeque<>(step.dependencies());
    while (!pending.isEmpty()) {
      String upstreamName = pending.poll();
      PipelineStep upstream = byName.get(upstreamName);
      if (upstream == null || !seen.add(upstreamName)) {
        continue;
      }
      for (OutputMapping output : upstream.function().outputs()) {
        if (output.name().equals(name)) {
          return true;
        }
      }
      pending.addAll(upstream.dependencies());
    }
    return false;
  }
}
