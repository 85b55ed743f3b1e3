package dev.penstock.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.StepOutcome;
import dev.penstock.executor.python.RunnerScript;
import dev.penstock.model.FailureCause;
import dev.penstock.testing.TestPython;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's CPU-time guard. The executor sets it to the timeout times the number of cores, which
 * a single busy step cannot reach before the timeout ends it; so this runs the runner directly with
 * a guard of one second.
 */
class RunnerCpuGuardTest {
  @TempDir Path root;

  @Test
  void a_step_past_its_cpu_time_guard_is_ended_with_sigxcpu_and_reads_as_timed_out()
      throws Exception {
    Path runner = RunnerScript.extractInto(root.resolve("runner"));
    Path workDir = Files.createDirectories(root.resolve("attempt"));
    var request =
        Map.of(
            "source_code",
            "def step():\n    while True:\n        pass\n",
            "function_name",
            "step",
            "kwargs",
            Map.of(),
            "memory_gb",
            0,
            "cpu_seconds",
            1);
    new ObjectMapper().writeValue(workDir.resolve("request.json").toFile(), request);

    Process process =
        new ProcessBuilder(TestPython.path(), "-u", runner.toString(), workDir.toString())
            .directory(workDir.toFile())
            .start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("ended by the guard").isTrue();
    StepOutcome outcome =
        new ResultReader(new ObjectMapper(), LocalExecutorSettings.DEFAULT_MAX_OUTPUT_BYTES)
            .read(workDir, process.exitValue(), 0, () -> false);

    assertThat(process.exitValue()).as("SIGXCPU").isEqualTo(128 + 24);
    assertThat(outcome.cause()).isEqualTo(FailureCause.TIMED_OUT);
  }
}
