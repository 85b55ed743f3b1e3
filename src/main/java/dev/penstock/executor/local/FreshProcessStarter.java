package dev.penstock.executor.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.ServerEnvironment;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.python.PythonVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Starts each attempt as a fresh {@code python -u penstock_runner.py <workDir>}, under bwrap when
 * the sandbox is bubblewrap: the slowest mode (an interpreter start per step). The runner reads the
 * sandbox's settings with its request and confines itself. Processes are started from one
 * long-lived thread: bwrap's --die-with-parent ends a step when the thread that started it ends,
 * and the JDK's carrier threads come and go. Thread-safe: immutable.
 */
final class FreshProcessStarter implements StepStarter {
  private static final ExecutorService SPAWNER =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().daemon().name("penstock-step-spawner").factory());

  private final Path runnerScript;
  private final ObjectMapper json;
  private final long maxOutputBytes;
  private final StepSandbox sandbox;

  FreshProcessStarter(
      Path runnerScript, ObjectMapper json, long maxOutputBytes, StepSandbox sandbox) {
    this.runnerScript = runnerScript;
    this.json = json;
    this.maxOutputBytes = maxOutputBytes;
    this.sandbox = sandbox;
  }

  @Override
  public StepProcess start(StepLaunch launch, Path python) throws StartException {
    Path workDir = launch.workDir().toAbsolutePath();
    boolean bubblewrap = sandbox.isolation() == StepIsolation.BUBBLEWRAP;
    var request = RunnerRequest.of(launch, maxOutputBytes);
    var settings = sandbox.settings(bubblewrap ? "given" : "make", runnerScript.getParent());
    if (settings != null) {
      request.put("sandbox", settings);
    }
    try {
      json.writeValue(workDir.resolve(RunnerRequest.FILE).toFile(), request);
    } catch (IOException e) {
      throw new StartException("cannot write the step's " + RunnerRequest.FILE + ": " + e);
    }
    var command =
        bubblewrap
            ? Bubblewrap.command(sandbox, python, runnerScript, workDir)
            : List.of(python.toString(), "-u", runnerScript.toString(), workDir.toString());
    var builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    ServerEnvironment.scrub(environment);
    activate(environment, python);
    if (launch.environment() != null) {
      environment.putAll(launch.environment());
    }
    environment.put("PYTHONUNBUFFERED", "1");
    environment.put(
        LocalProcessExecutor.PARENT_PID_VARIABLE, Long.toString(ProcessHandle.current().pid()));
    Process process;
    try {
      process = SPAWNER.submit(builder::start).get();
    } catch (ExecutionException e) {
      throw new StartException(PythonVersion.cannotStart(python, e.getCause().getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartException("interrupted while the step's process started");
    }
    closeQuietly(process.getOutputStream()); // input() in a step sees end of file, not a hang
    return new Spawned(process);
  }

  /**
   * Sets what activating a virtual environment would, when {@code python} is a venv's: VIRTUAL_ENV,
   * and its bin directory first on PATH, so a step can run the tools its packages install.
   */
  static void activate(Map<String, String> environment, Path python) {
    Path venv = python.toAbsolutePath().getParent().getParent();
    if (venv != null && Files.isRegularFile(venv.resolve("pyvenv.cfg"))) {
      environment.put("VIRTUAL_ENV", venv.toString());
      String path = environment.get("PATH");
      environment.put(
          "PATH", venv.resolve("bin") + (path == null || path.isEmpty() ? "" : ":" + path));
    }
  }

  private static void closeQuietly(OutputStream stream) {
    try {
      stream.close();
    } catch (IOException e) {
      // nothing was written to it; a failed close changes nothing
    }
  }

  /** A process this JVM started, so the JDK reaps it and reports its exit at once. */
  private record Spawned(Process process) implements StepProcess {
    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public InputStream output() {
      return process.getInputStream();
    }

    @Override
    public CompletableFuture<Integer> exited() {
      return process.onExit().thenApply(Process::exitValue);
    }

    @Override
    public void terminate(Duration grace) {
      ProcessTree.terminate(process.pid(), process.onExit(), grace);
    }
  }
}
