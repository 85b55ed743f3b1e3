package dev.penstock.executor.local;

import static dev.penstock.executor.local.TestLaunches.launch;
import static dev.penstock.executor.local.TestLaunches.withEnvironment;
import static dev.penstock.executor.local.TestLaunches.withId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fork server imports what steps import before it forks them, so that a step importing a heavy
 * library finds it loaded; and no module it preloads can fail a step, leave it forking from a
 * process with threads, or hide a run's own module of the same name. The modules here lie beside
 * the runner scripts, where the fork server (and so each step) finds them on its path, as it finds
 * an installed library.
 */
class PreloadTest {
  /** Returns which process imported the module, its own pid and its parent's (the fork server). */
  private static final String IMPORTS_LIBRARY =
      """
      import os
      import library

      def step():
          return [library.IMPORTED_BY, os.getpid(), os.getppid(), library.WHICH]
      """;

  @TempDir Path root;
  private LocalProcessExecutor executor;
  private int steps;

  @BeforeEach
  void create_executor() throws Exception {
    Path runner = Files.createDirectories(root.resolve("runner"));
    Files.writeString(
        runner.resolve("library.py"),
        "import os\nIMPORTED_BY = os.getpid()\nWHICH = 'installed'\nprint('imported library')\n");
    Files.writeString(runner.resolve("explodes.py"), "raise RuntimeError('boom at import')\n");
    Files.writeString(
        runner.resolve("spawns.py"),
        """
        import os
        import threading
        import time
        IMPORTED_BY = os.getpid()
        threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
        """);
    executor = new LocalProcessExecutor(ExecutorMode.FORK_SERVER.settings(root));
  }

  @AfterEach
  void close_executor() {
    executor.close();
  }

  @Test
  void a_library_a_step_imports_is_imported_by_the_fork_server_before_the_step_is_forked()
      throws Exception {
    JsonNode first = run(launch(root, IMPORTS_LIBRARY)).returned();
    JsonNode second = run(launch(root, IMPORTS_LIBRARY)).returned();

    long server = first.get(2).asLong();
    assertThat(first.get(0).asLong()).as("imported by the fork server").isEqualTo(server);
    assertThat(second.get(0).asLong()).isEqualTo(server);
    assertThat(second.get(2).asLong()).as("the same fork server").isEqualTo(server);
    assertThat(first.get(1).asLong()).isNotEqualTo(second.get(1).asLong());
    assertThat(executor.forkServersAlive()).isEqualTo(1);
  }

  @Test
  void a_module_that_raises_on_import_or_is_missing_is_skipped_and_the_step_runs_as_without()
      throws Exception {
    String source =
        """
        try:
            import explodes
        except RuntimeError as error:
            SEEN = str(error)
        try:
            import not_installed_anywhere
        except ImportError:
            SEEN += ', missing'

        def step():
            return SEEN
        """;

    StepOutcome outcome = run(launch(root, source));

    assertThat(outcome.returned().asText()).isEqualTo("boom at import, missing");
    assertThat(run(launch(root, IMPORTS_LIBRARY)).succeeded()).isTrue();
  }

  @Test
  void a_module_that_starts_threads_retires_its_server_and_the_step_runs_on_a_new_one()
      throws Exception {
    String source =
        """
        import os
        import spawns

        def step():
            return [spawns.IMPORTED_BY, os.getpid(), os.getppid()]
        """;
    long before = run(launch(root, IMPORTS_LIBRARY)).returned().get(2).asLong();

    JsonNode spawned = run(launch(root, source)).returned();
    JsonNode again = run(launch(root, source)).returned();
    JsonNode library = run(launch(root, IMPORTS_LIBRARY)).returned();

    long after = spawned.get(2).asLong();
    assertThat(after).as("a new fork server").isNotEqualTo(before);
    assertThat(spawned.get(0).asLong())
        .as("imported by the step itself")
        .isEqualTo(spawned.get(1).asLong());
    assertThat(again.get(0).asLong()).as("never preloaded again").isEqualTo(again.get(1).asLong());
    assertThat(library.get(0).asLong())
        .as("what the retired server had loaded, the new one loads too")
        .isEqualTo(library.get(2).asLong())
        .isEqualTo(after);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(before).filter(ProcessHandle::isAlive).isEmpty());
  }

  @Test
  void a_runs_own_module_shadows_a_preloaded_library_of_the_same_name() throws Exception {
    Path modules = Files.createDirectories(root.resolve("run-modules"));
    Files.writeString(
        modules.resolve("library.py"), "import os\nIMPORTED_BY = os.getpid()\nWHICH = 'run'\n");
    JsonNode installed = run(launch(root, IMPORTS_LIBRARY)).returned();

    JsonNode own =
        run(withEnvironment(
                launch(root, IMPORTS_LIBRARY), Map.of("PYTHONPATH", modules.toString())))
            .returned();

    assertThat(installed.get(3).asText()).isEqualTo("installed");
    assertThat(own.get(3).asText()).isEqualTo("run");
    assertThat(own.get(0).asLong()).as("imported by the step").isEqualTo(own.get(1).asLong());
  }

  private StepOutcome run(StepLaunch launch) throws Exception {
    StepLaunch own = withId(root, launch, "sv-" + ++steps);
    StepOutcome outcome = executor.launch(own).outcome().get(60, TimeUnit.SECONDS);
    assertThat(outcome.succeeded()).as("%s: %s", outcome, Files.readString(own.logFile())).isTrue();
    return outcome;
  }
}
