package dev.penstock.executor.python;

import dev.penstock.executor.ExecutorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * Copies the Python runner, the fork server, which imports it, and the step sandbox both use (with
 * its Landlock rules) from the classpath into a directory Python can read. Thread-safe.
 */
public final class RunnerScript {
  public static final String FILE_NAME = "penstock_runner.py";
  public static final String FORK_SERVER_FILE_NAME = "penstock_fork_server.py";
  public static final String SANDBOX = "penstock_sandbox.py";
  private static final List<String> SCRIPTS =
      List.of(
          FILE_NAME,
          FORK_SERVER_FILE_NAME,
          SANDBOX,
          "penstock_landlock.py",
          "penstock_worker.py",
          "penstock_child.py",
          "penstock_preloader.py",
          "penstock_artifacts.py");

  private RunnerScript() {}

  /**
   * Writes the scripts into {@code directory} unless identical copies are there, and returns the
   * runner's path. Concurrent callers are safe: each writes a temporary file and renames it.
   */
  public static Path extractInto(Path directory) {
    try {
      for (String name : SCRIPTS) {
        extract(directory, name);
      }
      return directory.resolve(FILE_NAME);
    } catch (IOException | UncheckedIOException e) {
      throw new ExecutorException(
          "cannot write the Python step runner into " + directory + ": " + e.getMessage(), null, e);
    }
  }

  private static void extract(Path directory, String name) throws IOException {
    byte[] script = load("/runner/" + name);
    Path target = directory.resolve(name);
    if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), script)) {
      return;
    }
    Files.createDirectories(directory);
    Path temporary = Files.createTempFile(directory, name, ".tmp");
    Files.write(temporary, script);
    Files.move(
        temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static byte[] load(String resource) throws IOException {
    try (InputStream in = RunnerScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException(resource + " is missing from the classpath");
      }
      return in.readAllBytes();
    }
  }
}
