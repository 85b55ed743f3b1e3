package dev.penstock.executor.local;

import dev.penstock.executor.ExecutorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;

/** Copies the Python runner from the classpath into a directory Python can read. Thread-safe. */
final class RunnerScript {
  static final String FILE_NAME = "penstock_runner.py";
  private static final String RESOURCE = "/runner/" + FILE_NAME;

  private RunnerScript() {}

  /**
   * Writes the runner into {@code directory} unless an identical copy is there, and returns its
   * path. Concurrent callers are safe: each writes a temporary file and renames it into place.
   */
  static Path extractInto(Path directory) {
    try {
      byte[] script = load();
      Path target = directory.resolve(FILE_NAME);
      if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), script)) {
        return target;
      }
      Files.createDirectories(directory);
      Path temporary = Files.createTempFile(directory, FILE_NAME, ".tmp");
      Files.write(temporary, script);
      Files.move(
          temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException | UncheckedIOException e) {
      throw new ExecutorException(
          "cannot write the Python step runner into " + directory + ": " + e.getMessage(), null, e);
    }
  }

  private static byte[] load() throws IOException {
    try (InputStream in = RunnerScript.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IOException(RESOURCE + " is missing from the classpath");
      }
      return in.readAllBytes();
    }
  }
}
