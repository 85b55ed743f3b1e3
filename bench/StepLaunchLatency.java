import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.executor.local.LocalProcessExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Prints the per-step floor of the local executor: wall time from launch() to the outcome of a step
 * that returns at once, beside a bare interpreter start for comparison. Run by
 * bench/step-launch-latency.sh.
 */
public class StepLaunchLatency {
  private static final int WARM_UP = 5;

  public static void main(String[] args) throws Exception {
    Path python = Path.of(args.length > 0 ? args[0] : "/usr/bin/python3");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    Path root = Files.createTempDirectory("penstock-bench");
    var executor = new LocalProcessExecutor(python, root.resolve("runner"));

    List<Double> steps = new ArrayList<>();
    List<Double> bare = new ArrayList<>();
    for (int i = 0; i < WARM_UP + runs; i++) {
      Path dir = root.resolve("steps/attempt-" + i);
      var launch =
          new StepLaunch(
              "bench",
              1,
              dir,
              dir.resolve("log.txt"),
              "step",
              "def step():\n    return 1\n",
              Map.of(),
              List.of(),
              0,
              Duration.ofMinutes(1),
              Map.of());
      long start = System.nanoTime();
      StepOutcome outcome = executor.launch(launch).outcome().get(60, TimeUnit.SECONDS);
      double stepMillis = (System.nanoTime() - start) / 1e6;
      if (!outcome.succeeded()) {
        throw new IllegalStateException("the benchmark step failed: " + outcome);
      }
      start = System.nanoTime();
      new ProcessBuilder(python.toString(), "-c", "pass").start().waitFor();
      double bareMillis = (System.nanoTime() - start) / 1e6;
      if (i >= WARM_UP) {
        steps.add(stepMillis);
        bare.add(bareMillis);
      }
    }
    System.out.printf("python: %s, %d runs after %d warm-up%n", python, runs, WARM_UP);
    print("trivial step, launch to outcome", steps);
    print("bare `python -c pass`, start to exit", bare);
  }

  private static void print(String what, List<Double> millis) {
    Collections.sort(millis);
    System.out.printf(
        "%-40s median %6.1f ms   p90 %6.1f ms   min %6.1f ms   max %6.1f ms%n",
        what,
        millis.get(millis.size() / 2),
        millis.get((int) (millis.size() * 0.9)),
        millis.get(0),
        millis.get(millis.size() - 1));
  }
}
