package dev.penstock.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * A run's variable scope (contract §7, rule 1): the run's merged variables, then the outputs of
 * each COMPLETE step in the order the steps completed. Pure.
 */
final class Scope {
  private Scope() {}

  static Map<String, JsonNode> of(PipelineVersion version) {
    var scope = new HashMap<String, JsonNode>();
    for (InputMapping variable : version.variables()) {
      if (variable.value() != null) {
        scope.put(variable.name(), variable.value());
      }
    }
    version.steps().stream()
        .filter(step -> step.status() == StepStatus.COMPLETE && step.outputValues() != null)
        .sorted(
            Comparator.comparing(
                StepVersion::completedAt,
                Comparator.nullsFirst(Comparator.<Instant>naturalOrder())))
        .forEach(
            step -> {
              for (OutputMapping output : step.outputValues()) {
                scope.put(output.name(), output.value());
              }
            });
    return scope;
  }
}
