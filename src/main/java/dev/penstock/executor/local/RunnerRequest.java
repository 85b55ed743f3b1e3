package dev.penstock.executor.local;

import dev.penstock.executor.StepLaunch;
import java.time.Duration;
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
