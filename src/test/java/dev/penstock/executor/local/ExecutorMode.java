package dev.penstock.executor.local;

import dev.penstock.executor.StepOutcome;
import dev.penstock.model.Isolation;
import dev.penstock.testing.TestPython;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The three isolation levels the executor starts steps at; its contract tests run at each. */
enum ExecutorMode {
  WARM_WORKER(Isolation.RUN),
  FORK_SERVER(Isolation.STEP),
  FRESH_PROCESS(Isolation.PROCESS);

  private final Isolation isolation;

  ExecutorMode(Isolation isolation) {
    this.isolation = isolation;
  }

  /** Settings for steps on the test Python, with runner and environments under {@code root}. */
  LocalExecutorSettings settings(Path root) {
    return settings(Path.of(TestPython.path()), root);
  }

  LocalExecutorSettings settings(Path python, Path root) {
    return LocalExecutorSettings.defaults(python, root.resolve("runner")).withIsolation(isolation);
  }

  /**
   * At isolation run, runs a trivial step of the test's run first, so that the test's own steps run
   * on a worker that has served a step before, as most steps of a run do.
   */
  void warmUp(LocalProcessExecutor executor, Path root) {
    warmUp(executor, root, workDir -> {});
  }

  /** As above, {@code prepare} given the warm-up step's working directory before it starts. */
  void warmUp(LocalProcessExecutor executor, Path root, Preparation prepare) {
    if (isolation != Isolation.RUN) {
      return;
    }
    var warmUp =
        TestLaunches.withId(
            root, TestLaunches.launch(root, "def step():\n    return 'warm'\n"), "warm-up");
    StepOutcome outcome;
    try {
      prepare.accept(warmUp.workDir());
      outcome = executor.launch(warmUp).outcome().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the warm-up step did not end", e);
    }
    if (!outcome.succeeded()) {
      throw new AssertionError(
          "the warm-up step failed: " + outcome + "\n" + executor.readLog(warmUp.logFile()));
    }
  }

  /** Makes a step's working directory ready, as a test needs it. */
  interface Preparation {
    void accept(Path workDir) throws Exception;
  }

  /** Whether steps come from a fork server (at isolation run or step). */
  boolean forks() {
    return isolation != Isolation.PROCESS;
  }
}
