package dev.penstock.executor.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The environment cache on disk, under {@code python-envs/}: {@code builds/<key>-<random>/} holds
 * an environment (a venv, never moved once built, since pip writes its path into scripts), and the
 * symlink {@code <key>} points at the one in use. A build is published by renaming a new symlink
 * over {@code <key>}, atomically, and only on success. {@code <key>.lock} is locked (file locks, so
 * across server processes too) exclusively to build or delete, shared while steps use it. An
 * environment's last use is its directory's modification time. Thread-safe: stateless but for
 * paths; callers hold the key's locks.
 */
final class EnvironmentDirectory {
  static final String METADATA_FILE = "penstock-env.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A published environment. */
  record Entry(String key, Path directory, long sizeBytes, FileTime lastUsed) {}

  private final Path root;
  private final Path builds;

  EnvironmentDirectory(Path root) {
    this.root = root.toAbsolutePath();
    this.builds = this.root.resolve("builds");
  }

  Path lockFile(String key) throws IOException {
    Files.createDirectories(root);
    return root.resolve(key + ".lock");
  }

  /** The directory of the published environment {@code key}, or null when there is none. */
  Path published(String key) {
    Path link = root.resolve(key);
    try {
      Path directory = root.resolve(Files.readSymbolicLink(link));
      return Files.isExecutable(directory.resolve("bin/python")) ? directory : null;
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A new, not yet existing directory to build {@code key} in; older failed builds are removed. */
  Path newBuild(String key) throws IOException {
    Files.createDirectories(builds);
    Path current = published(key);
    try (Stream<Path> stale = Files.list(builds)) {
      for (Path build : stale.filter(path -> isBuildOf(path, key)).toList()) {
        if (!build.equals(current)) {
          deleteRecursively(build); // left by a build that crashed; we hold the key's lock
        }
      }
    }
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    return builds.resolve(key + "-" + HexFormat.of().formatHex(random));
  }

  /**
   * Records what was built, then points {@code <key>} at it in one rename. Everyone may read and
   * run what is in it (but change nothing): steps may run as another user than the server, and the
   * server may run with a umask that keeps its files private.
   */
  void publish(String key, Path directory, RequirementSet requirements, long buildMillis)
      throws IOException {
    var passable = Files.getPosixFilePermissions(builds);
    passable.add(PosixFilePermission.GROUP_EXECUTE);
    passable.add(PosixFilePermission.OTHERS_EXECUTE);
    Files.setPosixFilePermissions(builds, passable);
    openToReading(directory);
    JSON.writeValue(
        directory.resolve(METADATA_FILE).toFile(),
        Map.of(
            "requirements", requirements.requirements(),
            "sizeBytes", sizeOf(directory),
            "buildMillis", buildMillis));
    Path temporary = root.resolve("." + directory.getFileName() + ".link");
    Files.deleteIfExists(temporary);
    Files.createSymbolicLink(temporary, root.relativize(directory));
    Files.move(
        temporary,
        root.resolve(key),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  void touch(Path directory) throws IOException {
    Files.setLastModifiedTime(directory, FileTime.fromMillis(System.currentTimeMillis()));
  }

  /** Every published environment. */
  List<Entry> entries() throws IOException {
    var entries = new ArrayList<Entry>();
    if (!Files.isDirectory(root)) {
      return entries;
    }
    try (Stream<Path> paths = Files.list(root)) {
      for (Path link : paths.filter(Files::isSymbolicLink).toList()) {
        String key = link.getFileName().toString();
        if (key.startsWith(".")) {
          continue; // a link being published
        }
        Path directory = published(key);
        if (directory != null) {
          JsonNode metadata = JSON.readTree(directory.resolve(METADATA_FILE).toFile());
          entries.add(
              new Entry(
                  key,
                  directory,
                  metadata.path("sizeBytes").asLong(),
                  Files.getLastModifiedTime(directory)));
        }
      }
    }
    return entries;
  }

  /** Unpublishes, then deletes, an environment; the caller holds its exclusive lock. */
  void delete(Entry entry) throws IOException {
    Files.deleteIfExists(root.resolve(entry.key()));
    deleteRecursively(entry.directory());
  }

  static void deleteRecursively(Path directory) throws IOException {
    if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** Adds read (and, where the owner has it, execute) for all, to every file in the tree. */
  private static void openToReading(Path tree) throws IOException {
    try (Stream<Path> paths = Files.walk(tree)) {
      for (Path path : paths.toList()) {
        if (Files.isSymbolicLink(path)) {
          continue;
        }
        var permissions = Files.getPosixFilePermissions(path);
        permissions.add(PosixFilePermission.OWNER_READ);
        permissions.add(PosixFilePermission.GROUP_READ);
        permissions.add(PosixFilePermission.OTHERS_READ);
        if (permissions.contains(PosixFilePermission.OWNER_EXECUTE)) {
          permissions.add(PosixFilePermission.GROUP_EXECUTE);
          permissions.add(PosixFilePermission.OTHERS_EXECUTE);
        }
        Files.setPosixFilePermissions(path, permissions);
      }
    }
  }

  private static long sizeOf(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      long total = 0;
      for (Path path : paths.toList()) {
        var attributes =
            Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        total += attributes.isRegularFile() ? attributes.size() : 0;
      }
      return total;
    }
  }

  private static boolean isBuildOf(Path build, String key) {
    String name = build.getFileName().toString();
    return name.startsWith(key + "-") && name.length() == key.length() + 9;
  }
}
