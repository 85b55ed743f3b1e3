package dev.penstock.web.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * Explains one step of a pipeline: for each input, whether an upstream step's output, a pipeline
 * variable or a constant gives its value, as the engine binds it (docs/abacus-api.md §7: an input's
 * pipelineVariable names a run variable or any completed step's output, else its value is used).
 * Stateless and thread-safe.
 */
final class StepDetails {
  private StepDetails() {}

  static StepDetail of(Pipeline pipeline, List<PipelineStep> steps, PipelineStep step) {
    Map<String, PipelineStep> byName = HashMap.newHashMap(steps.size());
    steps.forEach(each -> byName.put(each.name(), each));
    Set<String> upstream = upstream(step, byName);
    var variables = new HashMap<String, InputMapping>();
    pipeline.variables().forEach(variable -> variables.put(variable.name(), variable));

    var inputs = new ArrayList<StepInput>();
    for (InputMapping input : step.function().inputs()) {
      inputs.add(explain(input, variables, producer(input.pipelineVariable(), steps, upstream)));
    }
    var dependents = new ArrayList<String>();
    for (PipelineStep other : steps) {
      if (other.dependencies() != null && other.dependencies().contains(step.name())) {
        dependents.add(other.name());
      }
    }
    List<OutputMapping> outputs = step.function().outputs();
    return new StepDetail(step, inputs, outputs == null ? List.of() : outputs, dependents);
  }

  private static StepInput explain(
      InputMapping input, Map<String, InputMapping> variables, String producer) {
    String variableName = input.pipelineVariable();
    String constant = input.value() == null ? null : compact(input.value());
    if (variableName != null && producer != null) {
      return new StepInput(
          input.name(),
          input.variableType(),
          input.isRequired(),
          StepInput.Source.OUTPUT,
          producer,
          variableName,
          constant,
          input.description());
    }
    if (variableName != null) {
      InputMapping variable = variables.get(variableName);
      String defaultText = variable == null ? null : compact(variable.value());
      return new StepInput(
          input.name(),
          input.variableType(),
          input.isRequired(),
          StepInput.Source.VARIABLE,
          variableName,
          defaultText,
          constant,
          input.description());
    }
    return new StepInput(
        input.name(),
        input.variableType(),
        input.isRequired(),
        constant == null ? StepInput.Source.NOTHING : StepInput.Source.CONSTANT,
        null,
        constant,
        null,
        input.description());
  }

  /**
   * The upstream step whose output {@code name} feeds this input, or null. A step that is not
   * upstream may set the same name too, but whether it has by the time this step starts is a race,
   * so only an upstream producer is named.
   */
  private static String producer(String name, List<PipelineStep> steps, Set<String> upstream) {
    if (name == null) {
      return null;
    }
    for (PipelineStep candidate : steps) {
      var outputs = candidate.function().outputs();
      if (upstream.contains(candidate.name())
          && outputs != null
          && outputs.stream().anyMatch(output -> output.name().equals(name))) {
        return candidate.name();
      }
    }
    return null;
  }

  /** A value on one line, cut short: the panel shows where a value comes from, not all of it. */
  static String compact(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    String text = value.isTextual() ? value.asText() : value.toString();
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }

  /** Every step this one waits for, directly or not. */
  private static Set<String> upstream(PipelineStep step, Map<String, PipelineStep> byName) {
    var seen = new HashSet<String>();
    var queue = new ArrayDeque<String>(nullSafe(step.dependencies()));
    while (!queue.isEmpty()) {
      String name = queue.poll();
      if (seen.add(name) && byName.containsKey(name)) {
        queue.addAll(nullSafe(byName.get(name).dependencies()));
      }
    }
    return seen;
  }

  private static List<String> nullSafe(List<String> names) {
    return names == null ? List.of() : names;
  }
}
