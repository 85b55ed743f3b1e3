package dev.penstock.executor.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.ExecutorException;
import dev.penstock.executor.PythonInspector;
import dev.penstock.executor.ServerEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Inspects source with the runner's {@code --inspect} mode: one warm Python process, which parses
 * and compiles each source it is sent but never runs it, answers a JSON line per request. A process
 * that dies or hangs is ended, and the next call starts another. Thread-safe: calls take turns
 * under one lock.
 */
public final class LocalPythonInspector implements PythonInspector, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** The warm process, its request pipe and the lines it has answered. */
  private record Server(Process process, OutputStream requests, BlockingQueue<String> answers) {}

  private final Path python;
  private final Path runnerScript;
  private final ReentrantLock lock = new ReentrantLock();
  private Server server;

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
    byte[] request;
    try {
      request = JSON.writeValueAsBytes(Map.of("source", sourceCode, "function", functionName));
    } catch (IOException e) {
      throw new ExecutorException("cannot encode the source for inspection: " + e, null, e);
    }
    lock.lock();
    try {
      // A process that died while idle fails the first try; a fresh one gets the second.
      for (int attempt = 1; ; attempt++) {
        Server current = started();
        String answer = ask(current, request);
        if (answer != null) {
          return toInspection(JSON.readTree(answer));
        }
        end();
        if (attempt == 2) {
          throw new ExecutorException(
              "Python " + python + " ended while it inspected the source", null, null);
        }
      }
    } catch (IOException e) {
      end();
      throw new ExecutorException(
          "cannot inspect the source with Python " + python + ": " + e, null, e);
    } finally {
      lock.unlock();
    }
  }

  /** Ends the warm process, if any. */
  @Override
  public void close() {
    lock.lock();
    try {
      end();
    } finally {
      lock.unlock();
    }
  }

  /** The answer line, or null if the process ended first. */
  private String ask(Server current, byte[] request) throws IOException {
    try {
      current.requests().write(request);
      current.requests().write('\n');
      current.requests().flush();
    } catch (IOException e) {
      return null; // it has died: its pipe is closed
    }
    String answer;
    try {
      answer = current.answers().poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      end();
      throw new ExecutorException("interrupted while inspecting the source", null, e);
    }
    if (answer == null) {
      end();
      throw new ExecutorException(
          "Python " + python + " did not finish inspecting the source within " + TIMEOUT,
          null,
          null);
    }
    return answer.isEmpty() ? null : answer;
  }

  private Server started() {
    if (server != null && server.process().isAlive()) {
      return server;
    }
    end();
    // -I -S: parsing needs neither site-packages nor PYTHON* variables, and starts faster without
    var builder =
        new ProcessBuilder(python.toString(), "-I", "-S", runnerScript.toString(), "--inspect")
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    ServerEnvironment.scrub(builder.environment());
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
    var answers = new LinkedBlockingQueue<String>();
    // A platform thread, like every reader of a pipe: see LogPump.
    Thread.ofPlatform()
        .daemon()
        .name("penstock-inspector-" + process.pid())
        .start(() -> readAnswers(process, answers));
    server = new Server(process, process.getOutputStream(), answers);
    return server;
  }

  private static void readAnswers(Process process, BlockingQueue<String> answers) {
    try (var reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        answers.add(line);
      }
    } catch (IOException e) {
      // it died: said below
    } finally {
      answers.add(""); // no answer is an empty line
    }
  }

  private void end() {
    if (server != null) {
      server.process().destroyForcibly();
      server = null;
    }
  }

  private Inspection toInspection(JsonNode found) {
    if (found.has("inspector_error")) {
      throw new ExecutorException(
          "Python "
              + python
              + " failed to inspect the source: "
              + found.path("inspector_error").asText(),
          null,
          null);
    }
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
