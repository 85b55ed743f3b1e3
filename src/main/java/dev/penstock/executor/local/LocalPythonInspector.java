package dev.penstock.executor.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.ExecutorException;
import dev.penstock.executor.PythonInspector;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Inspects source with the runner's {@code --inspect} mode: one short Python process per call,
 * which parses and compiles but never runs the code. Thread-safe: immutable.
 */
public final class LocalPythonInspector implements PythonInspector {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Path python;
  private final Path runnerScript;

  /**
   * @param python the interpreter to parse with; the steps' own, so that syntax matches theirs
   * @param runnerDirectory where the runner script is copied from the classpath
   */
  public LocalPythonInspector(Path python, Path runnerDirectory) {
    this.python = python;
    this.runnerScript = RunnerScript.extractInto(runnerDirectory);
  }

  @Override
  public Inspection inspect(String sourceCode, String functionName) {
    // -I -S: parsing needs neither site-packages nor PYTHON* variables, and starts faster without
    var builder =
        new ProcessBuilder(python.toString(), "-I", "-S", runnerScript.toString(), "--inspect")
            .redirectErrorStream(true);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new ExecutorException(
          "cannot start Python "
              + python
              + " to inspect the source ("
              + e.getMessage()
              + "); install"
              + " python3 (Debian package python3) or set PENSTOCK_PYTHON",
          null,
          e);
    }
    try {
      // The runner reads all of stdin before it writes, so writing first cannot deadlock.
      try (OutputStream in = process.getOutputStream()) {
        JSON.writeValue(in, Map.of("source", sourceCode, "function", functionName));
      }
      var reading =
          new FutureTask<>(
              () -> new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      Thread.ofPlatform().daemon().start(reading);
      String output;
      try {
        output = reading.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        process.onExit().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        throw new ExecutorException(
            "Python " + python + " did not finish inspecting the source: " + e, null, e);
      }
      if (process.exitValue() != 0) {
        throw new ExecutorException(
            "Python "
                + python
                + " failed to inspect the source (exit code "
                + process.exitValue()
                + "): "
                + output.strip(),
            process.exitValue(),
            null);
      }
      return toInspection(JSON.readTree(output));
    } catch (IOException e) {
      throw new ExecutorException(
          "cannot inspect the source with Python " + python + ": " + e, null, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExecutorException("interrupted while inspecting the source", null, e);
    } finally {
      process.destroyForcibly();
    }
  }

  private static Inspection toInspection(JsonNode found) {
    JsonNode syntaxError = found.path("syntax_error");
    if (!syntaxError.isMissingNode()) {
      JsonNode line = syntaxError.path("line");
      return new Inspection(
          line.isInt() ? line.intValue() : null,
          syntaxError.path("message").asText(),
          false,
          List.of(),
          false);
    }
    List<String> parameters = new ArrayList<>();
    found.path("parameters").forEach(parameter -> parameters.add(parameter.asText()));
    return new Inspection(
        null,
        null,
        found.path("function_found").asBoolean(),
        List.copyOf(parameters),
        found.path("accepts_kwargs").asBoolean());
  }
}
