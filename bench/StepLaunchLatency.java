import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.executor.local.LocalExecutorSettings;
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
 * that returns at once, with a fresh interpreter per step and with the fork server, beside a bare
 * interpreter start and a bare fork from a warm Python for comparison. Run by
 * bench/step-launch-latency.sh.
 */
public class StepLaunchLatency {
  private static final int WARM_UP = 5;

  public static void main(String[] args) throws Exception {
    Path python = Path.of(args.length > 0 ? args[0] : "/usr/bin/python3");
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    Path root = Files.createTempDirectory("penstock-bench");
    System.out.printf(
        "python: %s, %d runs after %d warm-up, %d cores%n",
        python, runs, WARM_UP, Runtime.getRuntime().availableProcessors());
    List<Double> fresh = steps(python, root.resolve("fresh"), false, runs);
    List<Double> forked = steps(python, root.resolve("forked"), true, runs);
    List<Double> bare = new ArrayList<>();
    for (int i = 0; i < WARM_UP + runs; i++) {
      long start = System.nanoTime();
      new ProcessBuilder(python.toString(), "-c", "pass").start().waitFor();
      if (i >= WARM_UP) {
        bare.add((System.nanoTime() - start) / 1e6);
      }
    }
    print("trivial step, fresh process (exec)", fresh);
    print("trivial step, fork server (fork)", forked);
    print("bare `python -c pass`, start to exit", bare);
    print("bare fork + waitpid in a warm Python", forkFloor(python, runs));
    System.out.printf(
        "fork server saves %.1f ms a step (median)%n", median(fresh) - median(forked));
  }

  private static List<Double> steps(Path python, Path root, boolean forkServer, int runs)
      throws Exception {
    var settings =
        LocalExecutorSettings.defaults(python, root.resolve("runner")).withForkServer(forkServer);
    List<Double> millis = new ArrayList<>();
    try (var executor = new LocalProcessExecutor(settings)) {
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
        if (i >= WARM_UP) {
          millis.add(stepMillis);
        }
      }
    }
    return millis;
  }

  /** Milliseconds of os.fork() + child os._exit(0) + waitpid, measured inside Python. */
  private static List<Double> forkFloor(Path python, int runs) throws Exception {
    String script =
        """
        import os, sys, time
        for i in range(int(sys.argv[1])):
            start = time.perf_counter()
            pid = os.fork()
            if pid == 0:
                os._exit(0)
            os.waitpid(pid, 0)
            print((time.perf_counter() - start) * 1000)
        """;
    Process process =
        new ProcessBuilder(python.toString(), "-c", script, Integer.toString(runs)).start();
    List<Double> millis = new ArrayList<>();
    for (String line : new String(process.getInputStream().readAllBytes()).split("\n")) {
      if (!line.isBlank()) {
        millis.add(Double.parseDouble(line));
      }
    }
    process.waitFor();
    return millis;
  }

  private static double median(List<Double> millis) {
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  private static void print(String what, List<Double> millis) {
    List<Double> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    System.out.printf(
        "%-40s median %6.1f ms   p90 %6.1f ms   min %6.1f ms   max %6.1f ms%n",
        what,
        sorted.get(sorted.size() / 2),
        sorted.get((int) (sorted.size() * 0.9)),
        sorted.get(0),
        sorted.get(sorted.size() - 1));
  }
}
