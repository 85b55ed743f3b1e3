package dev.penstock.app;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * Where a data directory keeps what: {@code server/} (the database and its -wal and -shm, the
 * run-key secret, the admin key) apart from what steps are given, {@code runs/} (their working
 * directories), {@code python-envs/} and {@code runner/}. Steps never see {@code server/}. Files
 * are the server user's alone (0600), and so are directories (0700), except that when steps run as
 * another user the directories on the way to their working directories and environments let it
 * through (0711: enter, not list). Thread-safe: stateless.
 */
final class DataLayout {
  static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final Set<PosixFilePermission> PRIVATE_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> PASSABLE_DIRECTORY =
      PosixFilePermissions.fromString("rwx--x--x");
  private static final Set<PosixFilePermission> PRIVATE_FILE_MODE =
      PosixFilePermissions.fromString("rw-------");

  /** What moved from the top of a data directory into server/ (the old layout). */
  private static final List<String> SERVER_FILES =
      List.of(
          "penstock.db",
          "penstock.db-wal",
          "penstock.db-shm",
          "penstock.db-journal",
          "run-key-secret",
          "admin-api-key");

  private DataLayout() {}

  static Path serverDir(Path root) {
    return root.resolve("server");
  }

  /** The embedded SQLite database. */
  static Path database(Path root) {
    return serverDir(root).resolve("penstock.db");
  }

  /**
   * Moves the files of the old layout (everything at the top) into server/, SQLite's -wal and -shm
   * with their database, and makes what the old layout left readable to all (runs' files) private.
   * Call it holding the data directory's lock: no server has them open then. Fails, moving nothing,
   * when a file is in both places.
   */
  static void migrate(Path root) throws IOException {
    Path server = serverDir(root);
    for (String name : SERVER_FILES) {
      if (Files.exists(root.resolve(name), LinkOption.NOFOLLOW_LINKS)
          && Files.exists(server.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        throw new ConfigException(
            "the data directory "
                + root
                + " has "
                + name
                + " both at its top (the old layout) and in server/: keep one of the two");
      }
    }
    createPrivate(server);
    boolean old = false;
    for (String name : SERVER_FILES) {
      if (Files.exists(root.resolve(name), LinkOption.NOFOLLOW_LINKS)) {
        Files.move(root.resolve(name), server.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        old = true;
      }
    }
    if (old && Files.isDirectory(root.resolve("runs"))) {
      makePrivate(root.resolve("runs"));
    }
  }

  /**
   * Creates the embedded database's file, empty, before SQLite does: SQLite gives its -wal and -shm
   * the database file's mode, so a database made private here keeps them private too.
   */
  static void createDatabase(Path root) throws IOException {
    Path database = database(root);
    if (!Files.exists(database, LinkOption.NOFOLLOW_LINKS)) {
      Files.createFile(database, PRIVATE_FILE);
    }
  }

  /**
   * Sets the modes: the server's files private, the directories private or, when steps run as
   * another user, passable on the way to what steps are given.
   */
  static void secure(Path root, boolean stepsRunAsAnotherUser) throws IOException {
    var stepFacing = stepsRunAsAnotherUser ? PASSABLE_DIRECTORY : PRIVATE_DIRECTORY;
    Files.setPosixFilePermissions(root, stepFacing);
    Files.setPosixFilePermissions(serverDir(root), PRIVATE_DIRECTORY);
    try (DirectoryStream<Path> files = Files.newDirectoryStream(serverDir(root))) {
      for (Path file : files) {
        if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(file, PRIVATE_FILE_MODE);
        }
      }
    }
    Files.setPosixFilePermissions(root.resolve("server.lock"), PRIVATE_FILE_MODE);
    for (String name : List.of("runs", "python-envs")) {
      createPrivate(root.resolve(name));
      Files.setPosixFilePermissions(root.resolve(name), stepFacing);
    }
    // Steps never read the runner: the process that becomes a step has loaded it already.
    createPrivate(root.resolve("runner"));
    Files.setPosixFilePermissions(root.resolve("runner"), PRIVATE_DIRECTORY);
  }

  /** Every file and directory under {@code tree} the server's user's alone; links untouched. */
  private static void makePrivate(Path tree) throws IOException {
    try (var paths = Files.walk(tree)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(path, PRIVATE_DIRECTORY);
        } else if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
          Files.setPosixFilePermissions(path, PRIVATE_FILE_MODE);
        }
      }
    }
  }

  /** Creates a directory (and its parents) that only the server's user may use. */
  static void createPrivate(Path directory) throws IOException {
    if (!Files.isDirectory(directory)) {
      Files.createDirectories(directory);
      Files.setPosixFilePermissions(directory, PRIVATE_DIRECTORY);
    }
  }
}
