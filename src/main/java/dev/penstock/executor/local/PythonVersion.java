package dev.penstock.executor.local;

import dev.penstock.executor.local.EnvironmentBuilder.EnvironmentException;
import dev.penstock.model.FailureCause;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Asks an interpreter for its full version text. Thread-safe: stateless. */
final class PythonVersion {
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
          FailureCause.LAUNCH_FAILED, FreshProcessStarter.cannotStart(python, e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException(
          FailureCause.LAUNCH_FAILED, "interrupted while asking " + python + " for its version");
    }
  }
}
