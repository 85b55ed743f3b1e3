package dev.penstock.executor.local;

import static dev.penstock.executor.local.TestLaunches.launch;
import static dev.penstock.executor.local.TestLaunches.withEnvironment;
import static dev.penstock.executor.local.TestLaunches.withMemoryGb;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What a step's function receives and how each way of ending becomes an outcome, the same whether
 * the step is forked from a fork server or started as a fresh process.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(ExecutorMode.class)
class LocalProcessExecutorTest {
  private static final ObjectMapper JSON = new ObjectMapper();

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
  void kwargs_of_every_json_kind_arrive_as_python_values_and_a_dict_comes_back() throws Exception {
    var kwargs =
        Map.<String, JsonNode>of(
            "text", JSON.readTree("\"héllo\""),
            "integer", JSON.readTree("42"),
            "real", JSON.readTree("2.5"),
            "flag", JSON.readTree("true"),
            "nothing", NullNode.getInstance(),
            "items", JSON.readTree("[1, \"two\", [3]]"),
            "mapping", JSON.readTree("{\"nested\": {\"x\": false}}"));
    String source =
        """
        def step(text, integer, real, flag, nothing, items, mapping):
            values = [text, integer, real, flag, nothing, items, mapping]
            return {"types": [type(value).__name__ for value in values], "echo": values}
        """;

    StepOutcome outcome = run(launch(root, source, kwargs));

    assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.returned())
        .isEqualTo(
            JSON.readTree(
                """
                {"types": ["str", "int", "float", "bool", "NoneType", "list", "dict"],
                 "echo": ["héllo", 42, 2.5, true, null, [1, "two", [3]], {"nested": {"x": false}}]}
                """));
  }

  @Test
  void an_input_many_pipe_buffers_long_reaches_the_function_whole() throws Exception {
    var seed = JSON.createArrayNode();
    for (int i = 0; i < 50_000; i++) { // about 340 KB of JSON; a pipe holds 64 KB
      seed.add(i);
    }
    String source = "def step(seed, tail):\n    return [len(seed), sum(seed), seed[-1], tail]\n";

    StepOutcome outcome =
        run(launch(root, source, Map.of("seed", seed, "tail", JSON.readTree("\"end\""))));

    assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
    assertThat(outcome.returned()).isEqualTo(JSON.readTree("[50000, 1249975000, 49999, \"end\"]"));
  }

  @Test
  void a_function_returning_none_succeeds_with_json_null() throws Exception {
    StepOutcome outcome = run(launch(root, "def step():\n    pass\n"));

    assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
    assertThat(outcome.returned()).isEqualTo(NullNode.getInstance());
  }

  @Test
  void an_async_function_is_run_to_completion() throws Exception {
    String source =
        """
        import asyncio

        async def step(n):
            await asyncio.sleep(0.01)
            return n * 2
        """;

    StepOutcome outcome = run(launch(root, source, Map.of("n", JSON.readTree("21"))));

    assertThat(outcome.returned()).isEqualTo(JSON.readTree("42"));
  }

  @Test
  void an_exception_fails_as_user_code_with_a_traceback_of_the_users_frames_only()
      throws Exception {
    String source =
        """
        def step(n):
            return check(n)

        def check(n):
            raise ValueError(f"bad input {n}")
        """;

    StepOutcome outcome = run(launch(root, source, Map.of("n", JSON.readTree("3"))));

    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.cause()).isEqualTo(FailureCause.USER_CODE);
    assertThat(outcome.exitCode()).isEqualTo(1);
    assertThat(outcome.error())
        .startsWith("ValueError: bad input 3\nTraceback (most recent call last):\n")
        .contains("line 2, in step\n    return check(n)")
        .contains("line 5, in check\n    raise ValueError(f\"bad input {n}\")")
        .endsWith("ValueError: bad input 3")
        .doesNotContain("penstock_runner");
  }

  @Test
  void the_function_missing_from_the_source_fails_as_user_code() throws Exception {
    StepOutcome outcome = run(launch(root, "def other():\n    pass\n"));

    assertThat(outcome.cause()).isEqualTo(FailureCause.USER_CODE);
    assertThat(outcome.error())
        .isEqualTo("NameError: the step's source defines no function named 'step'");
  }

  @Test
  void an_error_while_the_source_loads_shows_the_users_line() throws Exception {
    StepOutcome outcome =
        run(launch(root, "import json\nimport penstock_no_such_module\n\ndef step():\n    pass\n"));

    assertThat(outcome.cause()).isEqualTo(FailureCause.USER_CODE);
    assertThat(outcome.error())
        .startsWith("ModuleNotFoundError: No module named 'penstock_no_such_module'\n")
        .contains("line 2, in <module>\n    import penstock_no_such_module")
        .doesNotContain("penstock_runner");
  }

  @Test
  void a_syntax_error_in_the_source_fails_as_user_code_with_its_line() throws Exception {
    StepOutcome outcome = run(launch(root, "def step(:\n    pass\n"));

    assertThat(outcome.cause()).isEqualTo(FailureCause.USER_CODE);
    assertThat(outcome.error()).startsWith("SyntaxError: invalid syntax").contains("line 1");
  }

  @Test
  void prints_reach_the_log_in_the_order_written_after_what_was_there_before() throws Exception {
    StepLaunch launch =
        launch(
            root,
            """
            import sys

            def step():
                for i in range(3):
                    print(f"out {i}")
                    print(f"err {i}", file=sys.stderr)
            """);
    Files.createDirectories(launch.logFile().getParent());
    Files.writeString(launch.logFile(), "new attempt because the worker was lost\n");

    StepOutcome outcome = run(launch);

    assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
    assertThat(executor.readLog(launch.logFile()))
        .isEqualTo(
            "new attempt because the worker was lost\nout 0\nerr 0\nout 1\nerr 1\nout 2\nerr 2\n");
  }

  @Test
  void the_working_directory_is_the_attempts_directory() throws Exception {
    StepLaunch launch = launch(root, "import os\n\ndef step():\n    return os.getcwd()\n");

    StepOutcome outcome = run(launch);

    // Moved beside the log once the step has ended (ClaimedResult): its folder is still there.
    Path workDir =
        launch.workDir().getParent().toRealPath().resolve(launch.workDir().getFileName());
    assertThat(outcome.returned().asText()).isEqualTo(workDir.toString());
    assertThat(ClaimedResult.claimedDir(launch)).isDirectory();
  }

  @Test
  void the_launchs_environment_is_added_to_the_inherited_one() throws Exception {
    String source =
        """
        import os

        def step():
            return [os.environ.get(name) for name in ("ABACUS_API_KEY", "PATH", "PENSTOCK_PARENT_PID")]
        """;

    StepOutcome outcome =
        run(withEnvironment(launch(root, source), Map.of("ABACUS_API_KEY", "key-123")));

    assertThat(outcome.returned().get(0).asText()).isEqualTo("key-123");
    assertThat(outcome.returned().get(1).asText()).isEqualTo(System.getenv("PATH"));
    assertThat(outcome.returned().get(2).isNull()).as("the runner keeps its own variable").isTrue();
  }

  @Test
  void a_return_value_that_is_not_json_fails_as_output_error_naming_its_type() throws Exception {
    StepOutcome outcome = run(launch(root, "def step():\n    return {'ids': {1, 2}}\n"));

    assertThat(outcome.cause()).isEqualTo(FailureCause.OUTPUT_ERROR);
    assertThat(outcome.error()).contains("not JSON-serializable").contains("set");
  }

  @Test
  void allocating_past_the_memory_limit_fails_as_memory_exceeded() throws Exception {
    String source = "def step(gb):\n    block = bytearray(gb * 1024 ** 3)\n    return len(block)\n";

    StepOutcome outcome =
        run(withMemoryGb(launch(root, source, Map.of("gb", JSON.readTree("2"))), 1));

    assertThat(outcome.cause()).isEqualTo(FailureCause.MEMORY_EXCEEDED);
    assertThat(outcome.error())
        .startsWith("step exceeded its memory limit of 1 GB\n")
        .contains("MemoryError");
  }

  @Test
  void allocating_within_the_memory_limit_succeeds() throws Exception {
    String source = "def step(mb):\n    block = bytearray(mb * 1024 ** 2)\n    return len(block)\n";

    StepOutcome outcome =
        run(withMemoryGb(launch(root, source, Map.of("mb", JSON.readTree("256"))), 1));

    assertThat(outcome.returned().asLong()).isEqualTo(256L * 1024 * 1024);
  }

  @Test
  void a_missing_python_fails_the_launch_naming_the_interpreter_and_the_fix() throws Exception {
    StepLaunch launch = launch(root, "def step():\n    pass\n");
    StepHandle handle;
    StepOutcome outcome;
    try (var broken = new LocalProcessExecutor(mode.settings(root.resolve("no/python3"), root))) {
      handle = broken.launch(launch);
      outcome = handle.outcome().get(10, TimeUnit.SECONDS);
      assertThat(broken.readLog(launch.logFile())).contains("Debian package python3");
    }

    assertThat(handle.pid()).isEqualTo(-1);
    assertThat(outcome.cause()).isEqualTo(FailureCause.LAUNCH_FAILED);
    assertThat(outcome.error())
        .contains(root.resolve("no/python3").toString())
        .contains("Debian package python3")
        .contains("PENSTOCK_PYTHON");
  }

  @Test
  void a_log_that_does_not_exist_reads_as_empty() {
    assertThat(executor.readLog(root.resolve("nothing/log.txt"))).isEmpty();
  }

  private StepOutcome run(StepLaunch launch) throws Exception {
    return executor
        .launch(launch)
        .outcome()
        .get(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS);
  }
}
