package dev.penstock.app;

import dev.penstock.executor.local.SandboxChoice;
import dev.penstock.executor.local.SandboxException;
import dev.penstock.executor.local.SandboxProbe;
import dev.penstock.executor.local.StepSandbox;
import dev.penstock.executor.local.StepUser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.function.Function;

/**
 * Chooses the step sandbox for a configuration: who steps run as, and what isolation this machine
 * gives them (probed with the steps' own Python). A sandbox that cannot be had stops start-up with
 * one line. Thread-safe: stateless.
 */
final class SandboxSetup {
  private static final String DEFAULT_STEP_USER_AS_ROOT = "nobody";

  private SandboxSetup() {}

  static StepSandbox choose(PenstockConfig config) {
    return choose(config, platform -> platform);
  }

  /**
   * @param platformSeam changes what the probe found, so tests can be a machine without Landlock
   */
  static StepSandbox choose(
      PenstockConfig config, Function<SandboxProbe.Platform, SandboxProbe.Platform> platformSeam) {
    try {
      StepUser server = StepUser.current();
      StepUser user =
          config.stepUser() != null
              ? StepUser.resolve(config.stepUser())
              : server.isRoot() ? StepUser.resolve(DEFAULT_STEP_USER_AS_ROOT) : server;
      var platform =
          platformSeam.apply(
              SandboxProbe.run(Path.of(config.python()), config.dataDir().resolve("runner"), user));
      var hidden = new ArrayList<Path>();
      hidden.add(config.dataDir().toRealPath());
      if (config.configFile() != null && Files.exists(config.configFile())) {
        hidden.add(config.configFile().toRealPath());
      }
      var shared = new ArrayList<Path>();
      for (Path directory : config.stepSharedDirs()) {
        shared.add(sharedDir(directory, hidden));
      }
      var request =
          new SandboxChoice.Request(
              config.stepIsolation(),
              user,
              server,
              config.bwrapPath(),
              config.stepProcessLimit(),
              config.stepFileSizeLimitBytes(),
              config.stepDiskBudgetBytes(),
              hidden,
              shared,
              // As the workspace names it: the directories under it are made passable by path.
              config.dataDir().resolve("runs"));
      StepSandbox sandbox = SandboxChoice.choose(request, platform);
      if (sandbox.user() != null) {
        checkReachable(config.dataDir().toRealPath(), sandbox.user());
      }
      return sandbox;
    } catch (SandboxException e) {
      throw new ConfigException(e.getMessage());
    } catch (IOException e) {
      throw new ConfigException("cannot set up the step sandbox: " + e);
    }
  }

  /**
   * Stops the start when a directory above the data directory keeps the step's user out: its steps'
   * working directories are inside. The data directory's own mode is the server's to set.
   */
  private static void checkReachable(Path dataDir, StepUser user) throws IOException {
    for (Path directory = dataDir.getParent();
        directory != null;
        directory = directory.getParent()) {
      int mode = (Integer) Files.getAttribute(directory, "unix:mode");
      int owner = (Integer) Files.getAttribute(directory, "unix:uid");
      int group = (Integer) Files.getAttribute(directory, "unix:gid");
      int passes = owner == user.uid() ? 0100 : group == user.gid() ? 0010 : 0001;
      if ((mode & passes) == 0) {
        throw new ConfigException(
            "steps run as "
                + user.describe()
                + ", who cannot pass through "
                + directory
                + " (mode %03o) to the data directory %s: let them (chmod o+x %s), choose another --data-dir, or set --step-user"
                    .formatted(mode & 0777, dataDir, directory));
      }
    }
  }

  /** A shared directory as it really is; one that would open a hidden path stops the start. */
  private static Path sharedDir(Path directory, java.util.List<Path> hidden) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new ConfigException("step-shared-dirs=" + directory + ": there is no such directory");
    }
    Path real = directory.toRealPath();
    for (Path secret : hidden) {
      if (real.startsWith(secret) || secret.startsWith(real)) {
        throw new ConfigException(
            "step-shared-dirs="
                + directory
                + ": steps would reach "
                + secret
                + ", which is the server's alone");
      }
    }
    return real;
  }
}
