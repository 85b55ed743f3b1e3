package dev.penstock.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed with SIGKILL cannot stop its steps, so the runner must notice its parent died and
 * end its own process group. Here a small Python parent stands in for the server.
 */
class RunnerWatchdogTest {
  private static final Pattern PIDS = Pattern.compile("runner (\\d+)[\\s\\S]*child (\\d+)");
  private static final String PARENT =
      """
      import subprocess, sys
      runner = subprocess.Popen([sys.executable, "-u", sys.argv[1], sys.argv[2]], cwd=sys.argv[2])
      print(f"runner {runner.pid}", flush=True)
      runner.wait()
      """;
  private static final String STEP =
      """
      import subprocess
      import time

      def step():
          child = subprocess.Popen(["sleep", "300"])
          print(f"child {child.pid}")
          time.sleep(300)
      """;

  @TempDir Path root;
  private Process parent;

  @AfterEach
  void kill_the_parent() {
    if (parent != null) {
      parent.destroyForcibly();
    }
  }

  @Test
  @Timeout(60) // reading the parent's output has no deadline of its own
  void the_runner_and_its_children_exit_when_the_process_that_started_them_dies() throws Exception {
    Path runner = RunnerScript.extractInto(root.resolve("runner"));
    Path workDir = Files.createDirectories(root.resolve("attempt"));
    new ObjectMapper()
        .writeValue(
            workDir.resolve("request.json").toFile(),
            Map.of(
                "source_code",
                STEP,
                "function_name",
                "step",
                "kwargs",
                Map.of(),
                "package_requirements",
                List.of(),
                "memory_gb",
                0));
    parent =
        new ProcessBuilder(
                TestPython.python().toString(), "-c", PARENT, runner.toString(), workDir.toString())
            .redirectErrorStream(true)
            .start();
    Matcher pids = PIDS.matcher(readUntil(parent, PIDS));
    assertThat(pids.find()).isTrue();
    long runnerPid = Long.parseLong(pids.group(1));
    long childPid = Long.parseLong(pids.group(2));
    assertThat(ProcessHandle.of(runnerPid)).as("the runner runs until its parent dies").isPresent();

    parent.destroyForcibly();

    awaitGone(runnerPid);
    awaitGone(childPid);
  }

  /** Reads the process's output until it matches; the runner's prints share the parent's pipe. */
  private static String readUntil(Process process, Pattern pattern) throws Exception {
    var reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    var output = new StringBuilder();
    String line;
    while ((line = reader.readLine()) != null) {
      output.append(line).append('\n');
      if (pattern.matcher(output).find()) {
        return output.toString();
      }
    }
    throw new AssertionError("the parent ended before printing both pids:\n" + output);
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
