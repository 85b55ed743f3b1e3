package dev.penstock.executor.local;

import dev.penstock.testing.TestPython;
import java.nio.file.Path;

/** The two ways the executor starts a step; the executor's tests run in both. */
enum ExecutorMode {
  FORK_SERVER(true),
  FRESH_PROCESS(false);

  private final boolean forkServer;

  ExecutorMode(boolean forkServer) {
    this.forkServer = forkServer;
  }

  /** Settings for steps on the test Python, with runner and environments under {@code root}. */
  LocalExecutorSettings settings(Path root) {
    return settings(Path.of(TestPython.path()), root);
  }

  LocalExecutorSettings settings(Path python, Path root) {
    return LocalExecutorSettings.defaults(python, root.resolve("runner"))
        .withForkServer(forkServer);
  }
}
