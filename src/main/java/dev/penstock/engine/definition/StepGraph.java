package dev.penstock.engine.definition;

import dev.penstock.model.Dag;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.PipelineStep;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The checks of a pipeline's dependency graph that writing steps makes: names known, no cycle. */
final class StepGraph {
  private StepGraph() {}

  /** The new steps' dependencies, all known and making no cycle with the pipeline's steps. */
  static void check(Collection<PipelineStep> existing, List<PipelineStep> added) {
    var graph = new LinkedHashMap<String, List<String>>();
    added.forEach(step -> graph.put(step.name(), step.dependencies()));
    existing.forEach(step -> graph.putIfAbsent(step.name(), step.dependencies()));
    check(graph, added.size(), "neither a step of this pipeline nor among steps");
  }

  static void check(List<PipelineStep> others, String stepName, List<String> dependencies) {
    var graph = new LinkedHashMap<String, List<String>>();
    for (PipelineStep other : others) {
      graph.put(other.name(), other.dependencies());
    }
    check(graph, stepName, dependencies);
  }

  /** {@code others} maps each other step's name to its dependencies. */
  static void check(Map<String, List<String>> others, String stepName, List<String> dependencies) {
    var graph = new LinkedHashMap<String, List<String>>();
    graph.put(stepName, dependencies);
    others.forEach(graph::putIfAbsent);
    check(graph, 1, "not a step of this pipeline");
  }

  /**
   * The first {@code written} steps of {@code graph} (the ones being written go first, so a cycle
   * is reported starting from one of them) depend on steps it holds, and it has no cycle.
   */
  static void check(LinkedHashMap<String, List<String>> graph, int written, String unknown) {
    graph.entrySet().stream()
        .limit(written)
        .forEach(
            step -> {
              for (String dep : step.getValue()) {
                if (!graph.containsKey(dep)) {
                  throw new InvalidParameterException(
                      "step '%s' depends on '%s', which is %s"
                          .formatted(step.getKey(), dep, unknown));
                }
              }
            });
    Dag.of(graph)
        .findCycle()
        .ifPresent(
            cycle -> {
              throw new InvalidParameterException(
                  "stepDependencies would make a cycle: " + String.join(" → ", cycle));
            });
  }
}
