package dev.penstock.executor.local;

import static dev.penstock.executor.local.TestLaunches.launch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.executor.StepOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A step owns its working directory, result.json included: what it leaves there in place of a
 * result must not make the server read a file for it, nor hang the server.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(ExecutorMode.class)
class ClaimedResultTest {
  @Parameter ExecutorMode mode;
  @TempDir Path root;
  private LocalProcessExecutor executor;

  @BeforeEach
  void create_executor() {
    executor = new LocalProcessExecutor(mode.settings(root));
    mode.warmUp(executor, root);
  }

  @AfterEach
  void close_executor() {
    executor.close();
  }

  @Test
  void a_result_that_links_to_a_file_the_step_may_not_read_is_not_read() throws Exception {
    Path secret = root.resolve("secret");
    Files.writeString(secret, "TOP-SECRET-VALUE");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    String source =
        """
        import os

        def step():
            os.symlink(%s, "result.json")
            os._exit(0)
        """
            .formatted("'" + secret + "'");

    StepOutcome outcome = run(source);

    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.error())
        .doesNotContain("TOP-SECRET")
        .isEqualTo("the step left something that is not a file as its result.json");
  }

  @Test
  void a_result_that_is_a_pipe_fails_the_step_instead_of_hanging_the_server() throws Exception {
    String source =
        """
        import os

        def step():
            os.mkfifo("result.json")
            os._exit(0)
        """;

    StepOutcome outcome = run(source);

    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.error())
        .isEqualTo("the step left something that is not a file as its result.json");
  }

  @Test
  void a_link_put_in_place_of_the_working_directory_moves_nothing_from_where_it_points()
      throws Exception {
    Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("result.json"), "{\"status\": \"ok\", \"returned\": 1}");
    Files.createDirectories(elsewhere.resolve("outputs"));
    Files.writeString(elsewhere.resolve("outputs").resolve("kept.txt"), "not the step's");
    String source =
        """
        import os

        def step():
            here = os.getcwd()
            try:
                os.chdir("/")
                os.rename(here, here + ".gone")
                os.symlink(%s, here)
            except OSError as denied:  # a sandbox that keeps the step out of its parent
                return "denied: " + str(denied)
            os._exit(0)
        """
            .formatted("'" + elsewhere + "'");

    StepOutcome outcome = run(source);

    if (outcome.succeeded()) {
      assertThat(outcome.returned().asText()).startsWith("denied: ");
    } else {
      assertThat(outcome.error()).isEqualTo(ClaimedResult.NOT_A_DIRECTORY);
    }
    assertThat(elsewhere.resolve("result.json")).exists();
    assertThat(elsewhere.resolve("outputs").resolve("kept.txt")).hasContent("not the step's");
  }

  private StepOutcome run(String source) throws Exception {
    return executor.launch(launch(root, source)).outcome().get(60, TimeUnit.SECONDS);
  }
}
