package dev.penstock.executor.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.ServerEnvironment;
import dev.penstock.executor.python.RunnerScript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Asks the machine what it offers steps, by running {@code penstock_sandbox.py --probe} in the
 * steps' Python: the kernel's Landlock ABI, and whether a step running as its user can have user
 * and PID namespaces of its own (tried, not guessed: containers and distributions restrict them).
 * Thread-safe: stateless.
 */
public final class SandboxProbe {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a machine offers.
   *
   * @param interpreter where the Python lives (its prefixes), which bubblewrap must mount
   * @param interpreterReadable whether the step's user can read the Python's standard library
   */
  public record Platform(
      int landlockAbi,
      boolean root,
      boolean userNamespace,
      boolean pidNamespace,
      List<Path> interpreter,
      boolean interpreterReadable) {}

  private SandboxProbe() {}

  /** Probes with {@code python} for a step running as {@code user}. */
  public static Platform run(Path python, Path runnerDirectory, StepUser user) {
    Path script = RunnerScript.extractInto(runnerDirectory).resolveSibling(RunnerScript.SANDBOX);
    var builder =
        new ProcessBuilder(
                python.toString(),
                "-E",
                "-s",
                script.toString(),
                "--probe",
                Integer.toString(user.uid()),
                Integer.toString(user.gid()))
            .redirectErrorStream(true);
    ServerEnvironment.scrub(builder.environment());
    String output;
    try {
      Process process = builder.start();
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new SandboxException(
            "cannot probe the machine for the step sandbox with "
                + python
                + ": "
                + output.strip().replace('\n', ' '));
      }
    } catch (IOException e) {
      throw new SandboxException("cannot run " + python + " to probe the step sandbox: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SandboxException("interrupted while probing the step sandbox");
    }
    try {
      JsonNode found = JSON.readTree(output);
      var interpreter = new ArrayList<Path>();
      found.path("interpreter").forEach(path -> interpreter.add(Path.of(path.asText())));
      return new Platform(
          found.path("landlock_abi").asInt(),
          found.path("root").asBoolean(),
          found.path("user_namespace").asBoolean(),
          found.path("pid_namespace").asBoolean(),
          interpreter,
          found.path("interpreter_readable").asBoolean());
    } catch (IOException e) {
      throw new SandboxException("the step sandbox probe answered '" + output.strip() + "'");
    }
  }
}
