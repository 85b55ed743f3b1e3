package dev.penstock.engine.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's variable scope (docs/abacus-api.md §7, rule 1): the run's merged variables, then the
 * outputs of each COMPLETE step in the order the steps completed, so that a later completion wins;
 * of two that completed at the same instant, the later in the run's order wins, and no time at all
 * is the earliest. Kept by name and fed one completion at a time, so that a launch in a 10,000-step
 * run looks up its own inputs instead of scanning the run. Not thread-safe: the run cache keeps one
 * per run, used by the thread that plans the run.
 */
final class Scope {
  private static final Comparator<Instant> UNTIMED_FIRST =
      Comparator.nullsFirst(Comparator.naturalOrder());

  /** Who set a name last: a run variable, or the output of the step at {@code position}. */
  private record Binding(JsonNode value, boolean output, Instant completedAt, int position) {
    /** Whether an output of the step at {@code stepPosition}, completed {@code at}, replaces it. */
    boolean yieldsTo(Instant at, int stepPosition) {
      if (!output) {
        return true;
      }
      int order = UNTIMED_FIRST.compare(at, completedAt);
      return order > 0 || (order == 0 && stepPosition > position);
    }
  }

  private final Map<String, Binding> bindings = new HashMap<>();

  private Scope(List<InputMapping> variables) {
    for (InputMapping variable : variables) {
      if (variable.value() != null) {
        bindings.put(variable.name(), new Binding(variable.value(), false, null, -1));
      }
    }
  }

  /** The scope of the run as it stands: its variables and its COMPLETE steps' outputs. */
  static Scope of(PipelineVersion version) {
    var scope = new Scope(version.variables());
    List<StepVersion> steps = version.steps();
    for (int position = 0; position < steps.size(); position++) {
      scope.completed(steps.get(position), position);
    }
    return scope;
  }

  /**
   * Adds the outputs of the step at {@code position} in the run, if it is COMPLETE. A step leaves
   * COMPLETE only by a reset, after which the run's scope is built again with {@link #of}.
   */
  void completed(StepVersion step, int position) {
    if (step.status() != StepStatus.COMPLETE || step.outputValues() == null) {
      return;
    }
    for (OutputMapping output : step.outputValues()) {
      Binding current = bindings.get(output.name());
      if (current == null || current.yieldsTo(step.completedAt(), position)) {
        bindings.put(
            output.name(), new Binding(output.value(), true, step.completedAt(), position));
      }
    }
  }

  /** The part of the scope {@code step}'s inputs read, by name. */
  Map<String, JsonNode> forStep(StepVersion step) {
    var scope = new HashMap<String, JsonNode>();
    for (InputMapping input : step.inputs()) {
      String name = input.pipelineVariable();
      Binding binding = name == null ? null : bindings.get(name);
      if (binding != null) {
        scope.put(name, binding.value());
      }
    }
    return scope;
  }
}
