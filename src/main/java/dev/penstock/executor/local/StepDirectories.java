package dev.penstock.executor.local;

import dev.penstock.executor.StepLaunch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Makes an attempt's directories as private as the step allows: the attempt's own (the log) the
 * server's alone; the working directory the step's alone, handed to its user when that is not the
 * server's; and the directories on the way there from the step root passable (0711: enter, not
 * list) only when the step runs as another user. Thread-safe: stateless.
 */
final class StepDirectories {
  private static final Set<PosixFilePermission> PRIVATE =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> PASSABLE =
      PosixFilePermissions.fromString("rwx--x--x");

  private StepDirectories() {}

  /** Call before the step's process starts, its working directory made and filled. */
  static void prepare(StepSandbox sandbox, StepLaunch launch) throws IOException {
    Path root = sandbox.stepRoot();
    Path workDir = launch.workDir().toAbsolutePath();
    if (root == null) {
      return;
    }
    var way = sandbox.user() == null ? PRIVATE : PASSABLE;
    for (Path directory = workDir.getParent();
        directory != null && directory.startsWith(root) && !directory.equals(root);
        directory = directory.getParent()) {
      Files.setPosixFilePermissions(directory, way);
    }
    Files.setPosixFilePermissions(launch.logFile().toAbsolutePath().getParent(), PRIVATE);
    Files.setPosixFilePermissions(workDir, PRIVATE);
    if (sandbox.user() != null) {
      handOver(workDir, sandbox.user());
    }
  }

  /** Gives the tree to the step's user: the runs' modules the server wrote into it included. */
  private static void handOver(Path tree, StepUser user) throws IOException {
    try (var paths = Files.walk(tree)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Files.setAttribute(path, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
      }
    }
  }
}
