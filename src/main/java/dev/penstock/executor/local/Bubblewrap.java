package dev.penstock.executor.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bwrap command that runs one step: a new root holding only the system (read-only), the Python
 * and environment the step runs in, the runner (read-only) and the step's working directory
 * (read-write); a /proc of its own PID namespace, a minimal /dev, and a small private /tmp and
 * /dev/shm. The server's data directory is not there, nor are other runs'. Thread-safe: stateless.
 */
final class Bubblewrap {
  /** Room in the private /tmp and /dev/shm: they take memory, not disk. */
  static final long TMPFS_BYTES = 64L * 1024 * 1024;

  private static final List<String> SYSTEM = List.of("/usr", "/etc", "/opt", "/sys");
  private static final List<String> MERGED = List.of("/bin", "/sbin", "/lib", "/lib32", "/lib64");

  private Bubblewrap() {}

  /** Why {@code bwrap} cannot sandbox a step on this machine, or null when it can. */
  static String problem(String bwrap) {
    var command =
        List.of(
            bwrap,
            "--ro-bind",
            "/",
            "/",
            "--proc",
            "/proc",
            "--unshare-pid",
            "--new-session",
            "--die-with-parent",
            "--",
            "true");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return bwrap + " did not finish a trial run within 30 s";
      }
      return process.exitValue() == 0
          ? null
          : bwrap + " does not work here: " + output.strip().replace('\n', ' ');
    } catch (IOException e) {
      return "cannot run "
          + bwrap
          + " (apt-get install bubblewrap, or set --bwrap-path): "
          + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while trying " + bwrap;
    }
  }

  /** bwrap's arguments, then {@code python -u runner workDir}. */
  static List<String> command(StepSandbox sandbox, Path python, Path runner, Path workDir) {
    var command = new ArrayList<String>();
    command.add(sandbox.bwrap().toString());
    command.addAll(
        List.of(
            "--die-with-parent",
            "--new-session",
            "--unshare-pid",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try"));
    var mounted = new ArrayList<Path>();
    for (String directory : SYSTEM) {
      bindReadOnly(command, mounted, Path.of(directory));
    }
    for (String directory : MERGED) {
      Path path = Path.of(directory);
      if (Files.isSymbolicLink(path)) { // /bin -> usr/bin on a merged /usr
        command.addAll(List.of("--symlink", readLink(path), directory));
      } else {
        bindReadOnly(command, mounted, path);
      }
    }
    bindReadOnly(command, mounted, Path.of("/run/systemd/resolve")); // resolv.conf may point here
    command.addAll(List.of("--proc", "/proc", "--dev", "/dev"));
    for (String tmpfs : List.of("/tmp", "/dev/shm")) {
      command.addAll(
          List.of("--perms", "1777", "--size", Long.toString(TMPFS_BYTES), "--tmpfs", tmpfs));
    }
    for (Path prefix : sandbox.interpreter()) {
      if (mounted.stream().noneMatch(prefix::startsWith)) {
        bindReadOnly(command, mounted, prefix);
      }
    }
    // What is hidden but inside something mounted (a data directory under /opt, a config file in
    // /etc) is covered over, before what the step is given inside it is mounted again.
    var masks = new ArrayList<Path>(List.of(Path.of("/tmp"), Path.of("/dev/shm")));
    for (Path hidden : sandbox.hidden()) {
      if (mounted.stream().anyMatch(hidden::startsWith)) {
        if (Files.isDirectory(hidden)) {
          command.addAll(List.of("--perms", "0711", "--tmpfs", hidden.toString()));
          masks.add(hidden);
        } else {
          command.addAll(List.of("--ro-bind", "/dev/null", hidden.toString()));
        }
      }
    }
    var given = new ArrayList<Path>();
    Path environment = python.toAbsolutePath().getParent().getParent();
    if (environment != null && Files.isRegularFile(environment.resolve("pyvenv.cfg"))) {
      given.add(environment);
    }
    given.add(runner.toAbsolutePath().getParent());
    var places = new Places(mounted, masks);
    for (Path path : given) {
      places.make(command, path.getParent());
      command.addAll(List.of("--ro-bind", path.toString(), path.toString()));
    }
    for (Path directory : sandbox.shared()) {
      places.make(command, directory.getParent());
      command.addAll(List.of("--bind", directory.toString(), directory.toString()));
    }
    Path work = workDir.toAbsolutePath();
    places.make(command, work.getParent());
    command.addAll(List.of("--bind", work.toString(), work.toString(), "--chdir", work.toString()));
    command.add("--");
    command.addAll(List.of(python.toString(), "-u", runner.toString(), work.toString()));
    return command;
  }

  /**
   * The directories on the way to what is mounted for the step, made where bwrap would otherwise
   * make them itself, private to root: a step running as another user could not pass through.
   * {@code masks} are fresh file systems (tmpfs): they exist, and nothing below them does.
   */
  private record Places(List<Path> mounted, List<Path> masks, List<Path> made) {
    Places(List<Path> mounted, List<Path> masks) {
      this(mounted, masks, new ArrayList<>());
    }

    void make(List<String> command, Path directory) {
      if (directory == null || directory.getParent() == null) {
        return;
      }
      make(command, directory.getParent());
      boolean hostDirectory =
          mounted.stream().anyMatch(directory::startsWith)
              && masks.stream().noneMatch(mask -> directory.startsWith(mask));
      if (hostDirectory || masks.contains(directory) || made.contains(directory)) {
        return;
      }
      made.add(directory);
      command.addAll(List.of("--perms", "0711", "--dir", directory.toString()));
    }
  }

  private static void bindReadOnly(List<String> command, List<Path> mounted, Path path) {
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      command.addAll(List.of("--ro-bind", path.toString(), path.toString()));
      mounted.add(path);
    }
  }

  private static String readLink(Path link) {
    try {
      return Files.readSymbolicLink(link).toString();
    } catch (IOException e) {
      throw new SandboxException("cannot read the link " + link + ": " + e);
    }
  }
}
