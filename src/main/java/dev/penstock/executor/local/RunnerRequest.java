package dev.penstock.executor.local;

import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepValues;
import dev.penstock.model.OutputMapping;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What penstock_runner.py needs to run an attempt (its docstring lists the fields): written to
 * request.json for a fresh process, sent inline to a fork server.
 */
final class RunnerRequest {
  static final String FILE = "request.json";

  private RunnerRequest() {}

  /** The request for {@code launch}, its return value limited to {@code maxOutputBytes} of JSON. */
  static LinkedHashMap<String, Object> of(StepLaunch launch, long maxOutputBytes) {
    var request = new LinkedHashMap<String, Object>();
    request.put("step_version_id", launch.stepVersionId());
    request.put("attempt", launch.attempt());
    request.put("function_name", launch.functionName());
    request.put("source_code", launch.sourceCode());
    request.put("kwargs", launch.kwargs() == null ? Map.of() : launch.kwargs());
    request.put("memory_gb", launch.memoryGb());
    request.put("cpu_seconds", cpuSeconds(launch.timeout()));
    request.put("max_output_bytes", maxOutputBytes);
    StepValues values = launch.values();
    if (values.outputs() != null) {
      var outputs = new ArrayList<Map<String, String>>();
      for (OutputMapping output : values.outputs()) {
        outputs.add(Map.of("name", output.name(), "type", output.variableType().name()));
      }
      request.put("outputs", outputs);
      request.put("inline_limit", values.inlineBytes());
      request.put("max_artifact_bytes", values.maxArtifactBytes());
    }
    if (!values.inputs().isEmpty()) {
      var inputs = new LinkedHashMap<String, Map<String, String>>();
      values
          .inputs()
          .forEach(
              (argument, input) ->
                  inputs.put(
                      argument,
                      Map.of(
                          "file", input.file(),
                          "format", input.format(),
                          "name", input.name(),
                          "producer", input.producer())));
      request.put("artifact_inputs", inputs);
    }
    return request;
  }

  /** The CPU-time guard: a step on every core for its whole timeout reaches it, none sooner. */
  private static long cpuSeconds(Duration timeout) {
    if (timeout == null || !timeout.isPositive()) {
      return 0;
    }
    long seconds = timeout.toSeconds() + (timeout.toNanosPart() > 0 ? 1 : 0);
    return seconds * Runtime.getRuntime().availableProcessors();
  }
}
