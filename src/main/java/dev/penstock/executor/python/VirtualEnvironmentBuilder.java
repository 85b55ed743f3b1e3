package dev.penstock.executor.python;

import dev.penstock.executor.ServerEnvironment;
import dev.penstock.model.FailureCause;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Builds environments with {@code python -m venv} and then {@code pip install}. pip is given no
 * index or link options: it reads its own configuration (config files, PIP_* variables) from the
 * server's environment, plus {@code pipEnvironment}, so a company mirror or proxy just works.
 * Thread-safe: immutable.
 */
public final class VirtualEnvironmentBuilder implements EnvironmentBuilder {
  private static final int TAIL_LINES = 25;
  private static final int TAIL_CHARS = 4000;

  private final Map<String, String> pipEnvironment;

  /**
   * @param pipEnvironment variables added to the server's for venv and pip, such as PIP_*
   */
  public VirtualEnvironmentBuilder(Map<String, String> pipEnvironment) {
    this.pipEnvironment = Map.copyOf(pipEnvironment);
  }

  @Override
  public void build(Path basePython, Path directory, List<String> requirements, BuildLog log)
      throws EnvironmentException {
    run(
        List.of(basePython.toString(), "-m", "venv", directory.toString()),
        directory.getParent(),
        log,
        "cannot create a virtual environment with " + basePython + " -m venv");
    var install = new ArrayList<>(List.of(directory.resolve("bin/python").toString()));
    install.addAll(List.of("-m", "pip", "install"));
    install.addAll(requirements);
    run(
        install,
        directory,
        log,
        "pip cannot install the step's packageRequirements ("
            + String.join(", ", requirements)
            + ")");
  }

  /** Runs a tool, copying its output to the log; fails with its last lines when it fails. */
  private void run(List<String> command, Path directory, BuildLog log, String failure)
      throws EnvironmentException {
    var builder =
        new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
    // pip runs packages' build scripts: they get none of the server's secrets.
    ServerEnvironment.scrub(builder.environment());
    builder.environment().putAll(pipEnvironment);
    Deque<String> tail = new ArrayDeque<>();
    int exitCode;
    Process process = null;
    try {
      process = builder.start();
      process.getOutputStream().close(); // a prompt (credentials) fails instead of hanging
      var output =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      try (output) {
        String line;
        while ((line = output.readLine()) != null) {
          log.line(line);
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
      }
      exitCode = process.waitFor();
    } catch (IOException e) {
      if (process != null) {
        process.destroyForcibly();
      }
      throw new EnvironmentException(
          FailureCause.MISSING_PACKAGES, failure + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException(FailureCause.MISSING_PACKAGES, failure + ": interrupted");
    }
    if (exitCode != 0) {
      String text = String.join("\n", tail);
      if (text.length() > TAIL_CHARS) {
        text = "..." + text.substring(text.length() - TAIL_CHARS);
      }
      throw new EnvironmentException(
          FailureCause.MISSING_PACKAGES, failure + " (exit code " + exitCode + "):\n" + text);
    }
  }
}
