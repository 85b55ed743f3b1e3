package dev.penstock.testing;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the official SDK 1.4.105 calls each pipelines method (docs/abacus-api.md §2, §3): its verb
 * and, for POST and PATCH, every parameter it always puts in the body (null when the caller gave
 * none).
 */
public final class SdkMethods {
  /**
   * A method's verb, the parameters the SDK always sends, and Penstock's extension parameters,
   * which a client of the extensions adds to the body only when it gives them.
   */
  public record Method(String verb, List<String> parameters, List<String> extensions) {
    Method(String verb, List<String> parameters) {
      this(verb, parameters, List.of());
    }

    Method plusExtensions(String... names) {
      return new Method(verb, parameters, List.of(names));
    }
  }

  /** Penstock's extension parameters per method (issue 3: retries, concurrency). */
  private static final Map<String, List<String>> EXTENSIONS =
      Map.of(
          "createPipeline", List.of("maxConcurrentRuns", "isolation", "executor", "stepImage"),
          "updatePipeline", List.of("maxConcurrentRuns", "isolation", "executor", "stepImage"),
          "createPipelineStep", List.of("retries", "retryDelay", "retryBackoff", "retryOn"),
          "updatePipelineStep", List.of("retries", "retryDelay", "retryBackoff", "retryOn"),
          "createApiKey", List.of("scope", "tag"));

  private static final Map<String, Method> METHODS =
      Map.ofEntries(
          // The SDK's prediction helpers ask getApiEndpoint about a deployment or a model too.
          get(
              "getApiEndpoint",
              "deploymentToken",
              "deploymentId",
              "streamingToken",
              "featureGroupId",
              "modelId"),
          get("version"),
          get("listPipelines", "projectId"),
          get("describePipelineVersion", "pipelineVersion"),
          get("describePipelineStep", "pipelineStepId"),
          get("describePipelineStepByName", "pipelineId", "stepName"),
          get("describePipelineStepVersion", "pipelineStepVersion"),
          get("listPipelineVersionLogs", "pipelineVersion"),
          get("getStepVersionLogs", "pipelineStepVersion"),
          get("describePythonFunction", "name"),
          get("listPythonFunctions", "functionType"),
          body("POST", "createPipeline", "pipelineName", "projectId", "cron", "isProd"),
          body("POST", "describePipeline", "pipelineId"),
          body("POST", "describePipelineByName", "pipelineName"),
          body(
              "PATCH",
              "updatePipeline",
              "pipelineId",
              "projectId",
              "pipelineVariableMappings",
              "cron",
              "isProd"),
          body("PATCH", "renamePipeline", "pipelineId", "pipelineName"),
          body("PATCH", "unsetPipelineRefreshSchedule", "pipelineId"),
          body("POST", "pausePipelineRefreshSchedule", "pipelineId"),
          body("POST", "resumePipelineRefreshSchedule", "pipelineId"),
          delete("deletePipeline", "pipelineId"),
          body("POST", "listPipelineVersions", "pipelineId", "limit"),
          body("POST", "runPipeline", "pipelineId", "pipelineVariableMappings"),
          body(
              "POST", "resetPipelineVersion", "pipelineVersion", "steps", "includeDownstreamSteps"),
          body("POST", "skipPendingPipelineVersionSteps", "pipelineVersion"),
          body(
              "POST",
              "createPipelineStep",
              "pipelineId",
              "stepName",
              "functionName",
              "sourceCode",
              "stepInputMappings",
              "outputVariableMappings",
              "stepDependencies",
              "packageRequirements",
              "cpuSize",
              "memory",
              "timeout"),
          body(
              "PATCH",
              "updatePipelineStep",
              "pipelineStepId",
              "functionName",
              "sourceCode",
              "stepInputMappings",
              "outputVariableMappings",
              "stepDependencies",
              "packageRequirements",
              "cpuSize",
              "memory",
              "timeout"),
          body("PATCH", "renamePipelineStep", "pipelineStepId", "stepName"),
          delete("deletePipelineStep", "pipelineStepId"),
          body(
              "POST",
              "createPythonFunction",
              "name",
              "sourceCode",
              "functionName",
              "functionVariableMappings",
              "packageRequirements",
              "functionType",
              "description",
              "examples",
              "userLevelConnectors",
              "orgLevelConnectors",
              "outputVariableMappings",
              "timeout"),
          body(
              "PATCH",
              "updatePythonFunction",
              "name",
              "sourceCode",
              "functionName",
              "functionVariableMappings",
              "packageRequirements",
              "description",
              "examples",
              "userLevelConnectors",
              "orgLevelConnectors",
              "outputVariableMappings",
              "timeout"),
          delete("deletePythonFunction", "name"),
          body("POST", "createModule", "name", "sourceCode"),
          body("PATCH", "updateModule", "name", "sourceCode"),
          get("describeModule", "name"),
          delete("deleteModule", "name"),
          get("listModules"),
          get("listApiKeys", "type"),
          delete("deleteApiKey", "apiKeyId"),
          // Penstock extension methods, called the way the SDK calls its own POST methods.
          body("POST", "cancelPipelineVersion", "pipelineVersion"),
          body("POST", "createPipelineSteps", "pipelineId", "steps"),
          body("POST", "createApiKey"),
          get("waitForPipelineVersion", "pipelineVersion", "timeout"),
          get("listPipelineVersionArtifacts", "pipelineVersion"),
          get("downloadPipelineVersionArtifact", "pipelineVersion", "artifactId"));

  private SdkMethods() {}

  /** Every method, by name, with its extension parameters. */
  public static Map<String, Method> all() {
    var all = new TreeMap<String, Method>();
    METHODS.keySet().forEach(name -> all.put(name, of(name)));
    return all;
  }

  /**
   * The methods that only read: every GET, and the three the SDK POSTs (docs/abacus-api.md §11).
   */
  public static boolean reads(String name) {
    return of(name).verb().equals("GET")
        || List.of("describePipeline", "describePipelineByName", "listPipelineVersions")
            .contains(name);
  }

  static Method of(String name) {
    Method method = METHODS.get(name);
    if (method == null) {
      throw new IllegalArgumentException("the SDK has no pipelines method " + name);
    }
    var extensions = EXTENSIONS.get(name);
    return extensions == null ? method : method.plusExtensions(extensions.toArray(String[]::new));
  }

  private static Map.Entry<String, Method> get(String name, String... parameters) {
    return Map.entry(name, new Method("GET", List.of(parameters)));
  }

  private static Map.Entry<String, Method> delete(String name, String... parameters) {
    return Map.entry(name, new Method("DELETE", List.of(parameters)));
  }

  private static Map.Entry<String, Method> body(String verb, String name, String... parameters) {
    return Map.entry(name, new Method(verb, List.of(parameters)));
  }
}
