package dev.penstock.executor.local;

import static dev.penstock.executor.local.TestLaunches.launch;
import static dev.penstock.executor.local.TestLaunches.withId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.executor.python.RunnerScript;
import dev.penstock.model.FailureCause;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the fork server can get wrong: a child's crash must fail its step alone, a dead server
 * must fail its running steps rather than hang them and be replaced, no step may run in the server
 * itself, and the spare child it forks ahead of each step must neither be lost nor outlive it.
 */
class ForkServerTest {
  /**
   * Returns the pids of its process and of its parent (the fork server) once "go" exists; the
   * process that loads the source writes its pid to "loaded-by".
   */
  private static final String WAITS_FOR_GO =
      """
      import os
      import time

      with open("loaded-by", "w") as file:
          file.write(str(os.getpid()))

      def step():
          print("running", flush=True)
          while not os.path.exists("go"):
              time.sleep(0.01)
          return [os.getpid(), os.getppid()]
      """;

  @TempDir Path root;
  private LocalProcessExecutor executor;

  @BeforeEach
  void create_executor() {
    executor =
        new LocalProcessExecutor(
            ExecutorMode.FORK_SERVER.settings(root).withKillGrace(Duration.ofSeconds(1)));
  }

  @AfterEach
  void close_executor() {
    executor.close();
  }

  @Test
  void steps_run_in_children_of_one_warm_server_never_in_the_server_itself() throws Exception {
    StepLaunch first = withId(root, launch(root, WAITS_FOR_GO), "sv-a");
    StepOutcome firstOutcome = runToEnd(first);
    StepOutcome second = runToEnd(withId(root, launch(root, WAITS_FOR_GO), "sv-b"));

    long child = firstOutcome.returned().get(0).asLong();
    long server = firstOutcome.returned().get(1).asLong();
    assertThat(second.returned().get(1).asLong()).as("the same fork server").isEqualTo(server);
    assertThat(ProcessHandle.of(server).flatMap(ProcessHandle::parent).map(ProcessHandle::pid))
        .contains(ProcessHandle.current().pid());
    assertThat(Files.readString(Path.of("/proc/" + server + "/cmdline")))
        .contains(RunnerScript.FORK_SERVER_FILE_NAME);
    assertThat(Files.readString(ClaimedResult.claimedDir(first).resolve("loaded-by")))
        .as("the child, not the server, loads the step's source")
        .isEqualTo(Long.toString(child));
  }

  @Test
  void a_ctrl_c_meant_for_the_java_server_leaves_the_fork_server_running() throws Exception {
    long server =
        runToEnd(withId(root, launch(root, WAITS_FOR_GO), "sv-a")).returned().get(1).asLong();

    new ProcessBuilder("kill", "-s", "INT", Long.toString(server)).start().waitFor();
    StepOutcome after = runToEnd(withId(root, launch(root, WAITS_FOR_GO), "sv-b"));

    assertThat(after.returned().get(1).asLong()).as("the same fork server").isEqualTo(server);
  }

  @Test
  void a_child_that_segfaults_fails_only_its_step() throws Exception {
    StepLaunch bystander = withId(root, launch(root, WAITS_FOR_GO), "sv-bystander");
    StepHandle running = start(bystander);
    String source = "import ctypes\n\ndef step():\n    ctypes.string_at(0)\n";
    StepLaunch crashing = launch(root, source);

    StepOutcome crashed = executor.launch(crashing).outcome().get(30, TimeUnit.SECONDS);

    assertThat(crashed.exitCode()).isEqualTo(139);
    assertThat(crashed.cause()).isEqualTo(FailureCause.USER_CODE);
    assertThat(Files.readString(crashing.logFile()))
        .as("the fault handler the child inherits writes to the step's log")
        .contains("Fatal Python error: Segmentation fault")
        .contains("line 4 in step");
    assertThat(finish(running, bystander).succeeded()).isTrue();
    assertThat(run(launch(root, "def step():\n    return 'next'\n")).returned().asText())
        .isEqualTo("next");
  }

  @Test
  void a_step_holds_none_of_the_servers_descriptors_only_its_own_standard_ones() throws Exception {
    StepLaunch bystander = withId(root, launch(root, WAITS_FOR_GO), "sv-bystander");
    StepHandle running = start(bystander); // so the server holds another step's pipe too
    String source =
        """
        import os

        def step():
            open_now = {}
            for fd in os.listdir("/proc/self/fd"):
                try:  # the listing's own descriptor is closed by now
                    open_now[fd] = os.readlink(f"/proc/self/fd/{fd}")
                except OSError:
                    pass
            return open_now
        """;

    StepOutcome outcome = run(launch(root, source));

    assertThat(outcome.returned().fieldNames())
        .as(outcome.toString())
        .toIterable()
        .containsExactlyInAnyOrder("0", "1", "2");
    assertThat(finish(running, bystander).succeeded()).isTrue();
  }

  @Test
  void a_child_killed_from_outside_fails_only_its_step() throws Exception {
    StepLaunch bystander = withId(root, launch(root, WAITS_FOR_GO), "sv-bystander");
    StepHandle running = start(bystander);
    StepLaunch victim = withId(root, launch(root, WAITS_FOR_GO), "sv-victim");
    StepHandle killed = start(victim);

    ProcessHandle.of(killed.pid()).orElseThrow().destroyForcibly();
    StepOutcome outcome = killed.outcome().get(30, TimeUnit.SECONDS);

    assertThat(outcome.exitCode()).isEqualTo(137);
    assertThat(outcome.error()).startsWith("step process exited with code 137 (SIGKILL)");
    assertThat(finish(running, bystander).succeeded()).isTrue();
  }

  @Test
  void a_fork_server_killed_mid_run_fails_its_steps_and_the_next_step_gets_a_new_server()
      throws Exception {
    StepLaunch launch = launch(root, WAITS_FOR_GO);
    StepHandle running = start(launch);
    long child = running.pid();
    long server = ProcessHandle.of(child).flatMap(ProcessHandle::parent).orElseThrow().pid();

    ProcessHandle.of(server).orElseThrow().destroyForcibly();
    StepOutcome lost = running.outcome().get(30, TimeUnit.SECONDS);

    assertThat(lost.cause()).isEqualTo(FailureCause.WORKER_LOST);
    assertThat(lost.error())
        .startsWith("the fork server for ")
        .contains("(pid " + server + ") died while the step ran");
    awaitGone(child);
    StepOutcome next = runToEnd(withId(root, launch(root, WAITS_FOR_GO), "sv-next"));
    assertThat(next.succeeded()).as(next.toString()).isTrue();
    assertThat(next.returned().get(1).asLong()).as("a new fork server").isNotEqualTo(server);
  }

  @Test
  void spare_children_killed_while_they_wait_are_replaced_by_the_next_step() throws Exception {
    long server =
        runToEnd(withId(root, launch(root, WAITS_FOR_GO), "sv-a")).returned().get(1).asLong();
    List<ProcessHandle> spares = sparesOf(server);

    spares.forEach(ProcessHandle::destroyForcibly);
    spares.forEach(spare -> awaitGone(spare.pid()));
    StepOutcome next = runToEnd(withId(root, launch(root, WAITS_FOR_GO), "sv-b"));

    assertThat(next.succeeded()).as(next.toString()).isTrue();
    assertThat(next.returned().get(1).asLong()).as("the same fork server").isEqualTo(server);
    assertThat(spares)
        .extracting(ProcessHandle::pid)
        .doesNotContain(next.returned().get(0).asLong());
  }

  @Test
  void closing_the_executor_ends_the_spare_children_with_their_server() throws Exception {
    long server =
        runToEnd(withId(root, launch(root, WAITS_FOR_GO), "sv-a")).returned().get(1).asLong();
    List<ProcessHandle> spares = sparesOf(server);

    executor.close();

    awaitGone(server);
    spares.forEach(spare -> awaitGone(spare.pid()));
  }

  /** Between steps, the fork server's children are the two spares waiting for the next steps. */
  private static List<ProcessHandle> sparesOf(long server) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(server).orElseThrow().children().count() == 2);
    return ProcessHandle.of(server).orElseThrow().children().toList();
  }

  private StepHandle start(StepLaunch launch) {
    StepHandle handle = executor.launch(launch);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> executor.readLog(launch.logFile()).contains("running"));
    return handle;
  }

  private StepOutcome finish(StepHandle handle, StepLaunch launch) throws Exception {
    Files.createFile(launch.workDir().resolve("go"));
    return handle.outcome().get(30, TimeUnit.SECONDS);
  }

  private StepOutcome runToEnd(StepLaunch launch) throws Exception {
    return finish(start(launch), launch);
  }

  private StepOutcome run(StepLaunch launch) throws Exception {
    return executor.launch(launch).outcome().get(30, TimeUnit.SECONDS);
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
