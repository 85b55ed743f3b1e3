package dev.penstock.testing;

import static dev.penstock.testing.AbacusClient.params;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** Small builders and readers for the requests tests make over and over. */
public final class Steps {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final Set<String> OPEN = Set.of("PENDING", "RUNNING");

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

  public static String run(
      AbacusClient client, String pipelineId, List<Map<String, Object>> variables) {
    return client
        .call(
            "runPipeline", params("pipelineId", pipelineId, "pipelineVariableMappings", variables))
        .path("pipelineVersion")
        .asText();
  }

  /** Polls describePipelineVersion for up to a minute until the run is finished. */
  public static JsonNode awaitFinished(AbacusClient client, String pipelineVersion) {
    return awaitFinished(client, pipelineVersion, Duration.ofSeconds(60));
  }

  /** Polls describePipelineVersion until the run is neither PENDING nor RUNNING. */
  public static JsonNode awaitFinished(
      AbacusClient client, String pipelineVersion, Duration timeout) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              last[0] =
                  client.call(
                      "describePipelineVersion", params("pipelineVersion", pipelineVersion));
              return !OPEN.contains(last[0].path("status").asText());
            });
    return last[0];
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

  /** The value the run's step gave its named output. */
  public static JsonNode outputValue(JsonNode version, String stepName, String output) {
    return mappingValue(stepVersion(version, stepName).path("outputVariableMappings"), output);
  }

  /** What getStepVersionLogs answers for a step version (a node of describePipelineVersion). */
  public static String logs(AbacusClient client, JsonNode stepVersion) {
    return logs(client, stepVersion.path("pipelineStepVersion").asText());
  }

  public static String logs(AbacusClient client, String pipelineStepVersion) {
    return client
        .call("getStepVersionLogs", params("pipelineStepVersion", pipelineStepVersion))
        .path("logs")
        .asText();
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
