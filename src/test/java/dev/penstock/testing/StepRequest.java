package dev.penstock.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A createPipelineStep request, built a part at a time:
 *
 * <pre>{@code
 * StepRequest.named("double")
 *     .source(SOURCE)
 *     .function("double")
 *     .fromVariable("total", "INTEGER", "total")
 *     .output("doubled", "INTEGER")
 *     .after("add")
 *     .addTo(client, pipelineId);
 * }</pre>
 *
 * <p>What is not given is not put in the parameters, so {@link AbacusClient} sends it as null, as
 * the SDK does for an argument left at None. Immutable: each method answers a new request, so a
 * test can start several from one base.
 */
public final class StepRequest {
  private final Map<String, Object> params;

  private StepRequest(Map<String, Object> params) {
    this.params = params;
  }

  public static StepRequest named(String stepName) {
    var params = new LinkedHashMap<String, Object>();
    params.put("stepName", stepName);
    return new StepRequest(params);
  }

  public StepRequest source(String sourceCode) {
    return with("sourceCode", sourceCode);
  }

  public StepRequest function(String functionName) {
    return with("functionName", functionName);
  }

  /** An input bound to a constant value. */
  public StepRequest input(String name, String type, Object value) {
    return append("stepInputMappings", Steps.input(name, type, value, null));
  }

  /** An input bound to a pipeline variable (an earlier step's output or a run's variable). */
  public StepRequest fromVariable(String name, String type, String pipelineVariable) {
    return append("stepInputMappings", Steps.input(name, type, null, pipelineVariable));
  }

  /** An input mapping sent exactly as given, for spellings the SDK's own classes never produce. */
  public StepRequest rawInput(Map<String, ?> mapping) {
    return append("stepInputMappings", mapping);
  }

  public StepRequest output(String name, String type) {
    return append("outputVariableMappings", Steps.output(name, type));
  }

  /** The steps this one depends on; {@code after()} sends an empty list. */
  public StepRequest after(String... stepNames) {
    return with("stepDependencies", List.of(stepNames));
  }

  public StepRequest requirements(String... packageRequirements) {
    return with("packageRequirements", List.of(packageRequirements));
  }

  public StepRequest cpuSize(String cpuSize) {
    return with("cpuSize", cpuSize);
  }

  /** Gigabytes. */
  public StepRequest memory(int memory) {
    return with("memory", memory);
  }

  /** Minutes. */
  public StepRequest timeout(int timeout) {
    return with("timeout", timeout);
  }

  /**
   * Any createPipelineStep parameter set to any value, such as one of the wrong JSON type; an
   * unknown parameter fails when the request is sent.
   */
  public StepRequest with(String parameter, Object value) {
    var copy = new LinkedHashMap<>(params);
    copy.put(parameter, value);
    return new StepRequest(copy);
  }

  /** Sends the request; returns the Pipeline createPipelineStep answers with. */
  public JsonNode addTo(AbacusClient client, String pipelineId) {
    var sent = new LinkedHashMap<String, Object>();
    sent.put("pipelineId", pipelineId);
    sent.putAll(params);
    return client.call("createPipelineStep", sent);
  }

  private StepRequest append(String parameter, Map<String, ?> mapping) {
    var mappings = new ArrayList<Object>();
    if (params.get(parameter) instanceof List<?> earlier) {
      mappings.addAll(earlier);
    }
    mappings.add(mapping);
    return with(parameter, mappings);
  }
}
