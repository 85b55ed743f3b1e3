package dev.penstock.executor.python;

import dev.penstock.executor.ExecutorException;
import dev.penstock.executor.python.EnvironmentBuilder.EnvironmentException;
import dev.penstock.model.FailureCause;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Asks an interpreter for its full version text. Thread-safe: stateless. */
public final class PythonVersion {
  private static final long TIMEOUT_SECONDS = 60;

  private PythonVersion() {}

  /** {@code sys.version} of {@code python}, such as "3.11.2 (main, ...) [GCC 12.2.0]". */
  static String of(Path python) throws EnvironmentException {
    try {
      Process process =
          new ProcessBuilder(python.toString(), "-c", "import sys; print(sys.version)")
              .redirectErrorStream(true)
              .start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("it failed: " + output.strip());
      }
      return output.strip();
    } catch (IOException e) {
      throw new EnvironmentException(
          FailureCause.LAUNCH_FAILED, cannotStart(python, e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException(
          FailureCause.LAUNCH_FAILED, "interrupted while asking " + python + " for its version");
    }
  }

  /**
   * {@code sys.version} of {@code python}, asked once at start-up so that a server whose Python
   * cannot run refuses to start rather than fail every step; throws {@link ExecutorException} with
   * the reason.
   */
  public static String require(Path python) {
    try {
      return of(python);
    } catch (EnvironmentException e) {
      throw new ExecutorException(e.getMessage(), null, e);
    }
  }

  /** What a user reads when the step's Python cannot be run, in either mode. */
  public static String cannotStart(Path python, String reason) {
    return "cannot start the step's Python "
        + python
        + " ("
        + reason
        + "); install python3 (Debian package python3) or set PENSTOCK_PYTHON to a Python 3.9 or"
        + " later";
  }
}
