package dev.penstock.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Folders a test and its steps both read and write, to hand files to each other. Steps are kept
 * from everything but their own directory, so test servers name one root for this as their {@code
 * --step-shared-dirs}; it is open to every user, since steps run as nobody.
 */
public final class SharedFolders {
  private static final Path ROOT = createOpen(null);

  private SharedFolders() {}

  /** The root every test server shares with its steps. */
  public static Path root() {
    return ROOT;
  }

  /** A new, empty folder under the root. */
  public static Path create() {
    return createOpen(ROOT);
  }

  private static Path createOpen(Path parent) {
    try {
      Path folder =
          parent == null
              ? Files.createTempDirectory("penstock-shared-")
              : Files.createTempDirectory(parent, "test-");
      Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
