package dev.penstock.executor.local;

import static dev.penstock.executor.local.TestLaunches.launch;
import static dev.penstock.executor.local.TestLaunches.withTimeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Steps that do not end by returning: timeouts, stops, signals, and what they leave behind, the
 * same whether forked from a fork server or started as a fresh process.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(ExecutorMode.class)
class StepProcessEndingTest {
  private static final Duration GRACE = Duration.ofSeconds(1);
  private static final Pattern CHILD_PID = Pattern.compile("child (\\d+)");

  /** Starts a `sleep` child in the step's process group, prints its pid, then waits forever. */
  private static final String SPAWNS_A_CHILD_AND_WAITS =
      """
      import subprocess
      import time

      def step():
          child = subprocess.Popen(["sleep", "300"])
          print(f"child {child.pid}")
          time.sleep(300)
      """;

  @Parameter ExecutorMode mode;
  @TempDir Path root;
  private LocalProcessExecutor executor;

  @BeforeEach
  void create_executor() {
    executor = new LocalProcessExecutor(mode.settings(root).withKillGrace(GRACE));
    mode.warmUp(executor, root);
  }

  @AfterEach
  void close_executor() {
    executor.close();
  }

  @Test
  void a_timeout_kills_the_whole_process_tree() throws Exception {
    StepLaunch launch = withTimeout(launch(root, SPAWNS_A_CHILD_AND_WAITS), Duration.ofSeconds(2));

    StepHandle handle = executor.launch(launch);
    long child = awaitChildPid(launch);
    StepOutcome outcome = handle.outcome().get(30, TimeUnit.SECONDS);

    assertThat(outcome.cause()).isEqualTo(FailureCause.TIMED_OUT);
    assertThat(outcome.error()).isEqualTo("timed out after 2 seconds");
    awaitGone(handle.pid());
    awaitGone(child);
  }

  @Test
  void stop_ends_the_step_with_the_given_cause_and_kills_its_children() throws Exception {
    StepLaunch launch = launch(root, SPAWNS_A_CHILD_AND_WAITS);
    StepHandle handle = executor.launch(launch);
    long child = awaitChildPid(launch);

    handle.stop(FailureCause.WORKER_LOST, "attempt 1 was superseded");
    handle.stop(FailureCause.USER_CODE, "a second stop changes nothing");
    StepOutcome outcome = handle.outcome().get(30, TimeUnit.SECONDS);

    assertThat(outcome.succeeded()).isFalse();
    assertThat(outcome.cause()).isEqualTo(FailureCause.WORKER_LOST);
    assertThat(outcome.error()).isEqualTo("attempt 1 was superseded");
    assertThat(outcome.exitCode()).as("SIGTERM").isEqualTo(143);
    awaitGone(handle.pid());
    awaitGone(child);
  }

  @Test
  void a_step_that_ignores_sigterm_is_killed_after_the_grace() throws Exception {
    String source =
        """
        import signal
        import time

        def step():
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            print("child 0")
            time.sleep(300)
        """;
    StepLaunch launch = launch(root, source);
    StepHandle handle = executor.launch(launch);
    awaitChildPid(launch); // the handler is in place

    handle.stop(FailureCause.TIMED_OUT, "timed out after 5 minutes");
    StepOutcome outcome = handle.outcome().get(30, TimeUnit.SECONDS);

    assertThat(outcome.exitCode()).as("SIGKILL").isEqualTo(137);
    assertThat(outcome.error()).isEqualTo("timed out after 5 minutes");
  }

  @Test
  void processes_a_finished_step_leaves_behind_are_killed() throws Exception {
    String source =
        """
        import subprocess

        def step():
            return subprocess.Popen(["sleep", "300"]).pid
        """;
    StepHandle handle = executor.launch(launch(root, source));

    StepOutcome outcome = handle.outcome().get(30, TimeUnit.SECONDS);

    assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
    awaitGone(outcome.returned().asLong());
  }

  @Test
  void a_step_that_sigkills_itself_fails_with_the_exit_code() throws Exception {
    String source =
        "import os\nimport signal\n\ndef step():\n    os.kill(os.getpid(), signal.SIGKILL)\n";

    StepOutcome outcome = executor.launch(launch(root, source)).outcome().get(30, TimeUnit.SECONDS);

    assertThat(outcome.cause()).isEqualTo(FailureCause.USER_CODE);
    assertThat(outcome.exitCode()).isEqualTo(137);
    assertThat(outcome.error())
        .startsWith("step process exited with code 137 (SIGKILL) without a result");
  }

  @Test
  void a_segfault_fails_with_the_exit_code_and_the_python_stack_in_the_log() throws Exception {
    String source = "import ctypes\n\ndef step():\n    ctypes.string_at(0)\n";
    StepLaunch launch = launch(root, source);

    StepOutcome outcome = executor.launch(launch).outcome().get(30, TimeUnit.SECONDS);

    assertThat(outcome.cause()).isEqualTo(FailureCause.USER_CODE);
    assertThat(outcome.exitCode()).isEqualTo(139);
    assertThat(outcome.error())
        .startsWith("step process exited with code 139 (SIGSEGV) without a result");
    assertThat(executor.readLog(launch.logFile()))
        .contains("Segmentation fault")
        .contains("line 4 in step");
  }

  @Test
  void a_step_exiting_early_fails_with_its_exit_code() throws Exception {
    String source = "import os\n\ndef step():\n    os._exit(3)\n";

    StepOutcome outcome = executor.launch(launch(root, source)).outcome().get(30, TimeUnit.SECONDS);

    assertThat(outcome.exitCode()).isEqualTo(3);
    assertThat(outcome.error()).startsWith("step process exited with code 3 without a result");
  }

  @Test
  void the_log_can_be_read_while_the_step_runs() throws Exception {
    String source =
        """
        import os
        import time

        def step():
            print("waiting for go")
            while not os.path.exists("go"):
                time.sleep(0.02)
            return "went"
        """;
    StepLaunch launch = launch(root, source);
    StepHandle handle = executor.launch(launch);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> executor.readLog(launch.logFile()).contains("waiting for go"));
    assertThat(handle.outcome()).isNotDone();
    Files.createFile(launch.workDir().resolve("go"));

    assertThat(handle.outcome().get(30, TimeUnit.SECONDS).returned().asText()).isEqualTo("went");
  }

  @Test
  void timeouts_are_described_in_minutes_when_whole_and_in_seconds_otherwise() {
    assertThat(StepTimeout.describe(Duration.ofMinutes(300))).isEqualTo("300 minutes");
    assertThat(StepTimeout.describe(Duration.ofMinutes(1))).isEqualTo("1 minute");
    assertThat(StepTimeout.describe(Duration.ofSeconds(90))).isEqualTo("90 seconds");
    assertThat(StepTimeout.describe(Duration.ofMillis(1500))).isEqualTo("1.5 seconds");
  }

  private long awaitChildPid(StepLaunch launch) {
    Matcher found =
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> CHILD_PID.matcher(executor.readLog(launch.logFile())), Matcher::find);
    return Long.parseLong(found.group(1));
  }

  private static void awaitGone(long pid) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                    .as("process %d", pid)
                    .isEmpty());
  }
}
