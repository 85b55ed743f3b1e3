package dev.penstock.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.python.RunnerScript;
import dev.penstock.testing.TestPython;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed with SIGKILL cannot stop its steps, so the runner must notice that the server
 * died and end its own process group, and a fork server must end with it. Here a small Python
 * program stands in for the server.
 */
class RunnerWatchdogTest {
  private static final Pattern PIDS = Pattern.compile("runner (\\d+) child (\\d+)");

  /**
   * Starts the runner directly, or (argv[3] == "wrapped") through a shell that stays its parent.
   */
  private static final String SERVER =
      """
      import os, subprocess, sys
      runner, work_dir, how = sys.argv[1:4]
      command = [sys.executable, "-u", runner, work_dir]
      environment = dict(os.environ)
      if how == "wrapped":
          command = ["sh", "-c", '"$@"; exit $?', "sh"] + command
          environment["PENSTOCK_PARENT_PID"] = str(os.getpid())
      subprocess.Popen(command, cwd=work_dir, env=environment).wait()
      """;

  /** Starts a fork server, has it fork the step and prints the pids once the step printed its. */
  private static final String SERVER_WITH_FORK_SERVER =
      """
      import json, os, subprocess, sys
      script, work_dir = sys.argv[1:3]
      environment = dict(os.environ, PENSTOCK_PARENT_PID=str(os.getpid()))
      server = subprocess.Popen([sys.executable, "-u", script], env=environment,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
      def send(line):
          server.stdin.write(line.encode() + b"\\n")
          server.stdin.flush()
      json.loads(server.stdout.readline())  # ready
      send("run 1 " + json.dumps({"work_dir": work_dir, "environment": {}}))
      started = json.loads(server.stdout.readline())
      log = open(f"/proc/{server.pid}/fd/{started['fd']}", "rb")
      send("release 1")
      print(f"fork server {server.pid} " + log.readline().decode().strip(), flush=True)
      server.wait()
      """;

  private static final Pattern FORKED_PIDS =
      Pattern.compile("fork server (\\d+) runner (\\d+) child (\\d+)");

  private static final String STEP =
      """
      import os
      import subprocess
      import time

      def step():
          child = subprocess.Popen(["sleep", "300"])
          print(f"runner {os.getpid()} child {child.pid}")
          time.sleep(300)
      """;

  @TempDir Path root;
  private Process server;

  @AfterEach
  void kill_the_server() {
    if (server != null) {
      server.destroyForcibly();
    }
  }

  @Test
  @Timeout(60) // reading the server's output has no deadline of its own
  void the_runner_and_its_children_exit_when_their_parent_dies() throws Exception {
    long[] pids = startStep("direct");
    assertThat(parentOf(pids[0])).isEqualTo(server.pid());

    server.destroyForcibly();

    awaitGone(pids[0]);
    awaitGone(pids[1]);
  }

  @Test
  @Timeout(60)
  void the_runner_and_its_children_exit_when_the_server_dies_behind_a_wrapper() throws Exception {
    long[] pids = startStep("wrapped");
    assertThat(parentOf(pids[0]))
        .as("the shell stays the runner's parent")
        .isNotEqualTo(server.pid());

    server.destroyForcibly();

    awaitGone(pids[0]);
    awaitGone(pids[1]);
  }

  @Test
  @Timeout(60)
  void a_fork_server_its_step_and_the_steps_children_exit_when_the_server_dies() throws Exception {
    Path runner = RunnerScript.extractInto(root.resolve("runner"));
    Path workDir = writeRequest();
    server =
        new ProcessBuilder(
                Path.of(TestPython.path()).toString(),
                "-c",
                SERVER_WITH_FORK_SERVER,
                runner.resolveSibling(RunnerScript.FORK_SERVER_FILE_NAME).toString(),
                workDir.toString())
            .redirectErrorStream(true)
            .start();
    Matcher pids = readUntil(server, FORKED_PIDS);
    long forkServer = Long.parseLong(pids.group(1));
    assertThat(parentOf(Long.parseLong(pids.group(2)))).isEqualTo(forkServer);

    server.destroyForcibly();

    for (int group = 1; group <= 3; group++) {
      awaitGone(Long.parseLong(pids.group(group)));
    }
  }

  /** Starts the stand-in server and returns the pids of the runner and of the step's child. */
  private long[] startStep(String how) throws Exception {
    Path runner = RunnerScript.extractInto(root.resolve("runner"));
    Path workDir = writeRequest();
    server =
        new ProcessBuilder(
                Path.of(TestPython.path()).toString(),
                "-c",
                SERVER,
                runner.toString(),
                workDir.toString(),
                how)
            .redirectErrorStream(true)
            .start();
    Matcher pids = readUntil(server, PIDS);
    long[] found = {Long.parseLong(pids.group(1)), Long.parseLong(pids.group(2))};
    assertThat(ProcessHandle.of(found[0])).as("the runner runs until the server dies").isPresent();
    return found;
  }

  private Path writeRequest() throws Exception {
    Path workDir = Files.createDirectories(root.resolve("attempt"));
    var request =
        Map.of("source_code", STEP, "function_name", "step", "kwargs", Map.of(), "memory_gb", 0);
    new ObjectMapper().writeValue(workDir.resolve("request.json").toFile(), request);
    return workDir;
  }

  /** Reads the output until it matches; the runner's prints share the server's pipe. */
  private static Matcher readUntil(Process process, Pattern pattern) throws Exception {
    var reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    var output = new StringBuilder();
    String line;
    while ((line = reader.readLine()) != null) {
      output.append(line).append('\n');
      Matcher matcher = pattern.matcher(output);
      if (matcher.find()) {
        return matcher;
      }
    }
    throw new AssertionError("the server ended before the step printed its pids:\n" + output);
  }

  private static long parentOf(long pid) {
    return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).map(ProcessHandle::pid).orElse(-1L);
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
