package dev.penstock.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;

/**
 * A run's variable scope (contract §7, rule 1): the run's merged variables, then the outputs of
 * each COMPLETE step in the order the steps completed, so that a later completion wins. Pure.
 */
final class Scope {
  private Scope() {}

  /**
   * The part of the scope {@code step}'s inputs read: one pass over the run, keeping only those
   * names, so that a launch in a 10,000-step run neither sorts nor copies the run's outputs.
   */
  static Map<String, JsonNode> forStep(PipelineVersion version, StepVersion step) {
    var wanted = new HashSet<String>();
    for (InputMapping input : step.inputs()) {
      if (input.pipelineVariable() != null) {
        wanted.add(input.pipelineVariable());
      }
    }
    var scope = new HashMap<String, JsonNode>();
    if (wanted.isEmpty()) {
      return scope;
    }
    for (InputMapping variable : version.variables()) {
      if (variable.value() != null && wanted.contains(variable.name())) {
        scope.put(variable.name(), variable.value());
      }
    }
    // Outputs override variables, and a step that completed later overrides one before it; of
    // two that completed at the same instant, the later in the run's order wins.
    var completedAt = new HashMap<String, Instant>();
    for (StepVersion other : version.steps()) {
      if (other.status() != StepStatus.COMPLETE || other.outputValues() == null) {
        continue;
      }
      for (OutputMapping output : other.outputValues()) {
        if (!wanted.contains(output.name())) {
          continue;
        }
        Instant previous = completedAt.get(output.name());
        boolean first = !completedAt.containsKey(output.name());
        if (first || !later(previous, other.completedAt())) {
          scope.put(output.name(), output.value());
          completedAt.put(output.name(), other.completedAt());
        }
      }
    }
    return scope;
  }

  /** Whether {@code a} is strictly later than {@code b}; no time at all is the earliest. */
  private static boolean later(Instant a, Instant b) {
    if (a == null) {
      return false;
    }
    return b == null || a.isAfter(b);
  }
}
