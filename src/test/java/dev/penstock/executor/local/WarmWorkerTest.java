package dev.penstock.executor.local;

import static dev.penstock.executor.local.TestLaunches.inRun;
import static dev.penstock.executor.local.TestLaunches.launch;
import static dev.penstock.executor.local.TestLaunches.withEnvironment;
import static dev.penstock.executor.local.TestLaunches.withId;
import static dev.penstock.executor.local.TestLaunches.withMemoryGb;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.executor.python.RunnerScript;
import dev.penstock.model.FailureCause;
import dev.penstock.model.Isolation;
import dev.penstock.testing.TestPython;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Isolation run: the steps of one run take turns in a warm worker, each with what a fresh process
 * would give it but the state of imported libraries, and the worker goes whenever a step could have
 * left something behind in it. Which process ran a step is told by its handle's pid.
 */
class WarmWorkerTest {
  @TempDir Path root;
  private LocalProcessExecutor executor;
  private final AtomicInteger steps = new AtomicInteger();

  @BeforeEach
  void create_executor() {
    executor = executor(LocalExecutorSettings.DEFAULT_WORKER_MAX_STEPS);
  }

  @AfterEach
  void close_executor() {
    executor.close();
  }

  @Test
  void steps_of_a_run_share_a_worker_with_fresh_globals_directory_and_environment()
      throws Exception {
    String first =
        """
        import json, os
        seen = "first"

        def step():
            json.penstock_mark = "set by the first step"
            os.environ["PENSTOCK_LEAK"] = "1"
            return os.getcwd()
        """;
    String second =
        """
        import json, os

        def step():
            return [os.getcwd(), os.environ.get("STAGE"), os.environ.get("PENSTOCK_LEAK"),
                    globals().get("seen"), getattr(json, "penstock_mark", None)]
        """;

    var one = start(withEnvironment(step(first), Map.of("STAGE", "one")));
    StepOutcome firstOutcome = outcome(one);
    StepLaunch secondLaunch = withEnvironment(step(second), Map.of("STAGE", "two"));
    var two = start(secondLaunch);
    StepOutcome secondOutcome = outcome(two);

    assertThat(firstOutcome.succeeded()).as(firstOutcome.toString()).isTrue();
    assertThat(secondOutcome.succeeded()).as(secondOutcome.toString()).isTrue();
    assertThat(two.pid()).as("the same worker").isEqualTo(one.pid());
    assertThat(secondOutcome.returned().get(0).asText())
        .isEqualTo(secondLaunch.workDir().toAbsolutePath().toString());
    assertThat(secondOutcome.returned().get(1).asText()).isEqualTo("two");
    assertThat(secondOutcome.returned().get(2).isNull())
        .as("the environment is the step's")
        .isTrue();
    assertThat(secondOutcome.returned().get(3).isNull()).as("globals are fresh").isTrue();
    assertThat(secondOutcome.returned().get(4).asText())
        .as("a library's state stays within the run")
        .isEqualTo("set by the first step");
  }

  /**
   * A new worker's own threads (the watchdog of its parent, without a sandbox) are not a step's
   * leftovers, even when one of them has not run a line yet as the worker starts: each of ten new
   * workers serves its run's second step.
   */
  @Test
  void a_new_workers_own_threads_are_not_taken_for_a_steps() throws Exception {
    String source = "def step():\n    return 1\n";
    for (int run = 0; run < 10; run++) {
      var first = start(inRun(step(source), "run-" + run));
      outcome(first);
      var second = start(inRun(step(source), "run-" + run));
      assertThat(outcome(second).succeeded()).isTrue();

      assertThat(second.pid()).as("run " + run).isEqualTo(first.pid());
    }
  }

  @Test
  void a_step_of_another_run_gets_a_worker_of_its_own() throws Exception {
    var one = start(step("import json\n\ndef step():\n    json.penstock_mark = 'run one'\n"));
    outcome(one);
    var two =
        start(
            inRun(
                step(
                    "import json\n\ndef step():\n    return getattr(json, 'penstock_mark', None)\n"),
                "another-run"));
    StepOutcome outcome = outcome(two);

    assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
    assertThat(outcome.returned().isNull()).as("nothing of the other run").isTrue();
    assertThat(two.pid()).isNotEqualTo(one.pid());
  }

  @Test
  void a_step_that_leaves_a_thread_running_ends_its_worker() throws Exception {
    String source =
        """
        import threading, time

        def step():
            threading.Thread(target=time.sleep, args=(60,), daemon=True).start()
            return "started"
        """;
    StepLaunch threaded = step(source);
    var one = start(threaded);
    assertThat(outcome(one).succeeded()).isTrue();
    var two = start(step("def step():\n    return 'next'\n"));

    assertThat(outcome(two).succeeded()).isTrue();
    assertThat(two.pid()).isNotEqualTo(one.pid());
    awaitGone(one.pid());
    assertThat(executor.readLog(threaded.logFile()))
        .contains("[penstock] the step left threads running");
  }

  @Test
  void a_step_that_leaves_a_process_running_ends_its_worker_and_the_process() throws Exception {
    String source =
        """
        import subprocess

        def step():
            return subprocess.Popen(["sleep", "60"]).pid
        """;
    var one = start(step(source));
    StepOutcome first = outcome(one);
    assertThat(first.succeeded()).as(first.toString()).isTrue();
    var two = start(step("def step():\n    return 'next'\n"));

    assertThat(outcome(two).succeeded()).isTrue();
    assertThat(two.pid()).isNotEqualTo(one.pid());
    awaitGone(first.returned().asLong());
    awaitGone(one.pid());
  }

  @Test
  void a_failed_step_ends_its_worker() throws Exception {
    var one = start(step("def step():\n    raise ValueError('no')\n"));
    assertThat(outcome(one).cause()).isEqualTo(FailureCause.USER_CODE);
    var two = start(step("def step():\n    return 'next'\n"));

    assertThat(outcome(two).succeeded()).isTrue();
    assertThat(two.pid()).isNotEqualTo(one.pid());
  }

  @Test
  void a_worker_killed_mid_step_fails_that_step_only_and_the_next_gets_a_fresh_worker()
      throws Exception {
    var warm = start(step("def step():\n    return 'warm'\n"));
    assertThat(outcome(warm).succeeded()).isTrue();
    Path started = root.resolve("started");
    var doomed =
        start(
            step(
                """
                import pathlib, time

                def step():
                    pathlib.Path(%s).write_text("yes")
                    time.sleep(60)
                """
                    .formatted("'" + started + "'")));
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(started));
    assertThat(doomed.pid()).isEqualTo(warm.pid());
    ProcessHandle.of(doomed.pid()).ifPresent(ProcessHandle::destroyForcibly);

    StepOutcome killed = outcome(doomed);
    var next = start(step("def step():\n    return 'next'\n"));
    StepOutcome after = outcome(next);

    assertThat(killed.succeeded()).isFalse();
    assertThat(killed.error()).contains("137");
    assertThat(after.succeeded()).as(after.toString()).isTrue();
    assertThat(next.pid()).isNotEqualTo(doomed.pid());
  }

  /**
   * A worker that dies the instant it has its request must not see the request handed to another
   * process as well: the step would run twice. The fork server's send is driven here with the
   * worker's end closed right after the request reached it, which the scheduler makes rare and
   * timing-dependent in a real run.
   */
  @Test
  void a_request_a_worker_received_before_it_died_is_never_handed_to_another() throws Exception {
    Path runner = RunnerScript.extractInto(root.resolve("fork-runner"));
    String script =
        """
        import os, socket
        import penstock_fork_server as server

        ours, theirs = socket.socketpair()
        real_send_fds = socket.send_fds

        def deliver_then_die(sock, buffers, fds):
            sent = real_send_fds(sock, buffers, fds)
            theirs.recv(1 << 16)
            theirs.close()  # the worker got it, and is gone
            return sent

        socket.send_fds = deliver_then_die
        read_end, write_end = os.pipe()
        channel = ours.detach()
        print(server.send_request(channel, b'{"work_dir": "/nowhere"}\\n', write_end))
        """;
    var process =
        new ProcessBuilder(TestPython.path(), "-c", script)
            .directory(runner.getParent().toFile())
            .redirectErrorStream(true)
            .start();
    String printed = new String(process.getInputStream().readAllBytes()).strip();

    assertThat(process.waitFor()).as(printed).isZero();
    assertThat(printed).as("delivered: the worker's death reports the step").isEqualTo("True");
  }

  @Test
  void a_worker_is_replaced_after_its_most_steps() throws Exception {
    executor.close();
    executor = executor(2);
    String source = "def step():\n    return 1\n";
    var one = start(step(source));
    outcome(one);
    var two = start(step(source));
    outcome(two);
    var three = start(step(source));
    assertThat(outcome(three).succeeded()).isTrue();

    assertThat(two.pid()).isEqualTo(one.pid());
    assertThat(three.pid()).isNotEqualTo(two.pid());
  }

  /** What a run's workers hold goes back: a free worker exits after its idle time (5 s). */
  @Test
  void a_free_worker_exits_when_its_run_sends_no_more_steps() throws Exception {
    var done = start(step("def step():\n    return 1\n"));
    assertThat(outcome(done).succeeded()).isTrue();
    assertThat(ProcessHandle.of(done.pid()).map(ProcessHandle::isAlive))
        .as("kept warm")
        .hasValue(true);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> ProcessHandle.of(done.pid()).map(process -> !process.isAlive()).orElse(true));
  }

  @Test
  void closing_the_executor_ends_its_free_workers() throws Exception {
    var done = start(step("def step():\n    return 1\n"));
    assertThat(outcome(done).succeeded()).isTrue();

    executor.close();

    awaitGone(done.pid());
  }

  @Test
  void steps_with_other_memory_limits_use_other_workers() throws Exception {
    String source = "def step():\n    return 1\n";
    var unlimited = start(step(source));
    outcome(unlimited);
    var limited = start(withMemoryGb(step(source), 4));

    assertThat(outcome(limited).succeeded()).isTrue();
    assertThat(limited.pid()).isNotEqualTo(unlimited.pid());
  }

  @Test
  void each_step_imports_the_runs_modules_from_its_own_folder() throws Exception {
    String source = "import helper\n\ndef step():\n    return helper.VERSION\n";
    var first = moduleStep(source, "first");
    var firstHandle = start(first);
    StepOutcome firstOutcome = outcome(firstHandle);
    var second = moduleStep(source, "second");
    var secondHandle = start(second);
    StepOutcome secondOutcome = outcome(secondHandle);

    assertThat(secondHandle.pid()).isEqualTo(firstHandle.pid());
    assertThat(firstOutcome.returned().asText()).isEqualTo("first");
    assertThat(secondOutcome.returned().asText()).isEqualTo("second");
  }

  @Test
  void a_late_stop_of_a_finished_step_leaves_its_worker_to_the_next_step() throws Exception {
    Path runner = RunnerScript.extractInto(root.resolve("fork-runner"));
    try (var server =
        ForkServer.start(
            Path.of(TestPython.path()),
            runner.resolveSibling(RunnerScript.FORK_SERVER_FILE_NAME),
            null,
            loaded -> {})) {
      StepLaunch first = step("def step():\n    return 1\n");
      var worker = new ForkServer.Worker("run-1/0GB", first.workDir().getParent(), 10);
      StepProcess done = fork(server, first, worker);
      assertThat(done.exited().get(30, TimeUnit.SECONDS)).isZero();
      StepLaunch second =
          step(
              "import os, time\n\ndef step():\n"
                  + "    while not os.path.exists('go'):\n        time.sleep(0.01)\n");
      StepProcess next = fork(server, second, worker);
      assertThat(next.pid()).as("the same worker").isEqualTo(done.pid());

      done.terminate(Duration.ofMillis(300)); // a timeout or cancel that came too late
      Files.writeString(second.workDir().resolve("go"), "go");

      assertThat(next.exited().get(30, TimeUnit.SECONDS)).isZero();
    }
  }

  private static StepProcess fork(ForkServer server, StepLaunch launch, ForkServer.Worker worker)
      throws Exception {
    Files.createDirectories(launch.workDir());
    StepProcess process = server.fork(launch, RunnerRequest.of(launch, 1 << 20), worker);
    Thread.ofVirtual().start(() -> drain(process));
    return process;
  }

  private static void drain(StepProcess process) {
    try (var output = process.output()) {
      output.transferTo(java.io.OutputStream.nullOutputStream());
    } catch (java.io.IOException e) {
      // the test looks at the exit
    }
  }

  private StepLaunch moduleStep(String source, String version) throws Exception {
    StepLaunch launch = step(source);
    Path modules = Files.createDirectories(launch.workDir().resolve("modules"));
    Files.writeString(modules.resolve("helper.py"), "VERSION = '" + version + "'\n");
    return withEnvironment(launch, Map.of("PYTHONPATH", modules.toString()));
  }

  private LocalProcessExecutor executor(int maxSteps) {
    return new LocalProcessExecutor(
        LocalExecutorSettings.defaults(Path.of(TestPython.path()), root.resolve("runner"))
            .withIsolation(Isolation.RUN)
            .withWorkerMaxSteps(maxSteps));
  }

  /** A step of the test's run, in directories of its own. */
  private StepLaunch step(String source) {
    return withId(root, launch(root, source), "sv-" + steps.incrementAndGet());
  }

  private StepHandle start(StepLaunch launch) {
    return executor.launch(launch);
  }

  private static StepOutcome outcome(StepHandle handle) throws Exception {
    return handle.outcome().get(60, TimeUnit.SECONDS);
  }

  private static void awaitGone(long pid) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true));
  }
}
