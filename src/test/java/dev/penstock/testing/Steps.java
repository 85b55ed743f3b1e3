package dev.penstock.testing;

import static dev.penstock.testing.AbacusClient.params;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Small builders for the requests tests make over and over. */
public final class Steps {
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private Steps() {}

  /** A pipeline name no other test uses. */
  public static String uniqueName(String prefix) {
    return prefix + "_" + COUNTER.incrementAndGet() + "_" + System.nanoTime() % 100000;
  }

  /** An input mapping as the SDK's PythonFunctionArgument sends it (camelCase). */
  public static Map<String, Object> input(
      String name, String type, Object value, String pipelineVariable) {
    var mapping = new LinkedHashMap<String, Object>();
    mapping.put("variableType", type);
    mapping.put("name", name);
    mapping.put("isRequired", true);
    if (value != null) {
      mapping.put("value", value);
    }
    if (pipelineVariable != null) {
      mapping.put("pipelineVariable", pipelineVariable);
    }
    return mapping;
  }

  public static Map<String, Object> output(String name, String type) {
    var mapping = new LinkedHashMap<String, Object>();
    mapping.put("variableType", type);
    mapping.put("name", name);
    return mapping;
  }

  public static String createPipeline(AbacusClient client, String name) {
    return client
        .call("createPipeline", params("pipelineName", name, "isProd", false))
        .path("pipelineId")
        .asText();
  }

  /** Adds a step; returns the Pipeline createPipelineStep answers with. */
  public static JsonNode addStep(
      AbacusClient client,
      String pipelineId,
      String stepName,
      String source,
      String function,
      List<Map<String, Object>> inputs,
      List<Map<String, Object>> outputs,
      List<String> dependencies) {
    return client.call(
        "createPipelineStep",
        params(
            "pipelineId",
            pipelineId,
            "stepName",
            stepName,
            "functionName",
            function,
            "sourceCode",
            source,
            "stepInputMappings",
            inputs,
            "outputVariableMappings",
            outputs,
            "stepDependencies",
            dependencies));
  }

  public static String run(
      AbacusClient client, String pipelineId, List<Map<String, Object>> variables) {
    return client
        .call(
            "runPipeline", params("pipelineId", pipelineId, "pipelineVariableMappings", variables))
        .path("pipelineVersion")
        .asText();
  }

  /** The step version of the run with the given step name. */
  public static JsonNode stepVersion(JsonNode version, String stepName) {
    for (JsonNode step : version.path("stepVersions")) {
      if (step.path("stepName").asText().equals(stepName)) {
        return step;
      }
    }
    throw new AssertionError("no step " + stepName + " in " + version);
  }

  /** The value of the named entry of a raw mapping list. */
  public static JsonNode mappingValue(JsonNode mappings, String name) {
    for (JsonNode mapping : mappings) {
      if (mapping.path("name").asText().equals(name)) {
        return mapping.path("value");
      }
    }
    throw new AssertionError("no mapping " + name + " in " + mappings);
  }

  public static List<String> names(JsonNode list, String field) {
    var names = new ArrayList<String>();
    list.forEach(item -> names.add(item.path(field).asText()));
    return names;
  }
}
