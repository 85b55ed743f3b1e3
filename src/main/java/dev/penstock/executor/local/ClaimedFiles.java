package dev.penstock.executor.local;

import dev.penstock.executor.ProducedFile;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds what a successful step left to be kept in its working directory, once {@link ClaimedResult}
 * has taken that directory out of its reach: {@code .penstock-values/} (the outputs the runner
 * stored by reference) and {@code outputs/} (the files the step wrote for its users). Only plain
 * files with one link are kept: a link, a pipe or a second name of a file elsewhere is left out,
 * and a file over the artifact limit fails the step. A step that ran as another user owned those
 * folders and may hold them open: they become the server's (0700, 0600), from the top down, each
 * folder before what is in it, so that nothing of the step can change them afterwards. Thread-safe:
 * stateless.
 */
final class ClaimedFiles {
  static final List<String> FOLDERS = List.of(".penstock-values", "outputs");

  private static final Set<PosixFilePermission> PRIVATE_DIRECTORY =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> PRIVATE_FILE =
      PosixFilePermissions.fromString("rw-------");

  private ClaimedFiles() {}

  /**
   * The outcome with its kept files; a failure is returned as it is, its files left for retention.
   */
  static StepOutcome claim(StepLaunch launch, StepOutcome outcome) {
    if (!outcome.succeeded()) {
      return outcome;
    }
    Path claimed = ClaimedResult.claimedDir(launch);
    var kept = new ArrayList<ProducedFile>();
    try {
      Owner server = Owner.of(claimed.getParent());
      if (!server.owns(claimed)) {
        server.take(claimed);
      }
      for (String folder : FOLDERS) {
        Path root = claimed.resolve(folder);
        if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
          kept.addAll(plainFiles(folder, root, server));
        }
      }
    } catch (IOException | InvalidPathException e) {
      return StepOutcome.failure(
          FailureCause.OUTPUT_ERROR,
          "cannot read the files the step left to be kept: " + e.getMessage(),
          outcome.exitCode());
    }
    long limit = launch.values().maxArtifactBytes();
    for (ProducedFile file : kept) {
      if (limit > 0 && file.size() > limit) {
        return StepOutcome.failure(
            FailureCause.OUTPUT_ERROR,
            "the file %s is %s, over the limit of %s (max-artifact-size)"
                .formatted(file.name(), Sizes.describe(file.size()), Sizes.describe(limit)),
            outcome.exitCode());
      }
    }
    return outcome.withFiles(kept);
  }

  private static List<ProducedFile> plainFiles(String folder, Path root, Owner server)
      throws IOException {
    var files = new ArrayList<ProducedFile>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
              throws IOException {
            if (!server.owns(directory)) {
              server.take(directory);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            if (!attributes.isRegularFile() || links(file) != 1) {
              return FileVisitResult.CONTINUE;
            }
            if (!server.owns(file)) {
              server.take(file);
            }
            String name = folder + "/" + root.relativize(file);
            if (!readsBack(root.getParent(), name, file)) {
              throw new IOException(
                  "the file name "
                      + name
                      + " does not read back as text in the server's locale: start it in a UTF-8"
                      + " one (LANG=C.UTF-8)");
            }
            files.add(new ProducedFile(name, file, attributes.size()));
            return FileVisitResult.CONTINUE;
          }
        });
    return files;
  }

  /** Whether {@code name}, as text, names {@code file} again: not so for bytes the locale lacks. */
  private static boolean readsBack(Path base, String name, Path file) throws IOException {
    try {
      Path again = base.resolve(name);
      return Files.isRegularFile(again, LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(again, file);
    } catch (InvalidPathException unmappable) {
      return false;
    }
  }

  private static int links(Path file) throws IOException {
    return ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
  }

  /** The server's user and group, which a claimed folder or file is given. */
  private record Owner(int uid, int gid) {
    static Owner of(Path serversOwn) throws IOException {
      var ids = Files.readAttributes(serversOwn, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
      return new Owner((Integer) ids.get("uid"), (Integer) ids.get("gid"));
    }

    boolean owns(Path path) throws IOException {
      return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS) == uid;
    }

    /**
     * Makes a folder or a plain file the server's alone. Its parent is the server's already, so
     * nothing can swap it for a link between the check and the change.
     */
    void take(Path path) throws IOException {
      Files.setAttribute(path, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(path, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
      boolean directory = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
      if (directory || Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
        Files.setPosixFilePermissions(path, directory ? PRIVATE_DIRECTORY : PRIVATE_FILE);
      }
    }
  }
}
