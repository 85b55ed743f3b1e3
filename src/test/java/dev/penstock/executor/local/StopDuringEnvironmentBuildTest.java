package dev.penstock.executor.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.executor.python.EnvironmentBuilder;
import dev.penstock.executor.python.PythonEnvironments;
import dev.penstock.model.FailureCause;
import dev.penstock.testing.TestPython;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step stopped while the environment it waits for still builds never gets a process. */
class StopDuringEnvironmentBuildTest {
  private static final Path PYTHON = Path.of(TestPython.path());

  @TempDir Path root;

  @Test
  void a_step_stopped_while_its_environment_builds_ends_at_once_and_never_starts()
      throws Exception {
    var gate = new CountDownLatch(1);
    var builds = new AtomicInteger();
    EnvironmentBuilder slowBuilder =
        (basePython, directory, requirements, log) -> {
          builds.incrementAndGet();
          try {
            gate.await(10, TimeUnit.SECONDS);
            Files.createDirectories(directory.resolve("bin"));
            Files.createSymbolicLink(directory.resolve("bin/python"), PYTHON);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    var starts = new AtomicInteger();
    StepStarter starter =
        (launch, python) -> {
          starts.incrementAndGet();
          throw new StepStarter.StartException("must not start");
        };
    var timer = Executors.newSingleThreadScheduledExecutor();
    var runtime =
        new LocalStepHandle.Runtime(
            new PythonEnvironments(
                PYTHON, root.resolve("envs"), Long.MAX_VALUE, slowBuilder, python -> {}),
            starter,
            new ResultReader(new ObjectMapper(), LocalExecutorSettings.DEFAULT_MAX_OUTPUT_BYTES),
            Duration.ofSeconds(1),
            timer);
    StepLaunch launch =
        TestLaunches.withRequirements(
            TestLaunches.launch(root, "def step():\n    pass\n"), List.of("slow"));
    var handle = LocalStepHandle.launch(launch, CappedLog.open(launch.logFile(), 1 << 20), runtime);
    await().until(() -> builds.get() == 1);

    handle.stop(FailureCause.WORKER_LOST, "attempt 1 was superseded");
    StepOutcome outcome = handle.outcome().get(5, TimeUnit.SECONDS); // the build still waits

    assertThat(outcome.cause()).isEqualTo(FailureCause.WORKER_LOST);
    assertThat(outcome.error()).isEqualTo("attempt 1 was superseded");
    gate.countDown();
    await().until(() -> handle.logClosed().isDone());
    assertThat(starts).as("no process once stopped").hasValue(0);
    timer.shutdownNow();
  }
}
