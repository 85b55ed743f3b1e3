import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * Prints what one metric event costs on the hot path: a Timer with histogram buckets on the
 * Prometheus registry, as the engine (StepMeters) and the store (Database) build theirs, recorded
 * with two System.nanoTime calls around it, from one thread and from several at once. Run by
 * bench/meter-cost.sh.
 */
public class MeterCost {
  private static final Duration[] BUCKETS =
      IntStream.range(0, 17).mapToObj(i -> Duration.ofMillis(1L << i)).toArray(Duration[]::new);

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 5_000_000;
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
    var registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Timer timer =
        Timer.builder("bench.event").serviceLevelObjectives(BUCKETS).register(registry);
    for (int round = 0; round < 3; round++) { // the last round counts: the JIT has compiled
      double clockOnly = perEvent(events, 1, () -> clocks(events));
      double oneThread = perEvent(events, 1, () -> record(timer, events));
      double contended = perEvent(events, threads, () -> record(timer, events / threads));
      if (round == 2) {
        System.out.printf(
            "two nanoTime calls: %.1f ns; with a Timer.record between them: %.1f ns from one"
                + " thread, %.1f ns each from %d threads at once (%d cores)%n",
            clockOnly,
            oneThread,
            contended,
            threads,
            Runtime.getRuntime().availableProcessors());
      }
    }
    System.out.println("(" + registry.scrape().lines().count() + " lines scraped; histogram ok)");
  }

  private static long sink;

  private static void clocks(int events) {
    long sum = 0;
    for (int i = 0; i < events; i++) {
      long start = System.nanoTime();
      sum += System.nanoTime() - start;
    }
    sink += sum;
  }

  private static void record(Timer timer, int events) {
    for (int i = 0; i < events; i++) {
      long start = System.nanoTime();
      timer.record(System.nanoTime() - start + (i & 0xFFFFF), TimeUnit.NANOSECONDS);
    }
  }

  /** Nanoseconds of wall time per event, {@code work} run on {@code threads} threads at once. */
  private static double perEvent(int events, int threads, Runnable work) throws Exception {
    var running = new ArrayList<Thread>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      running.add(Thread.ofPlatform().start(work));
    }
    for (Thread thread : running) {
      thread.join();
    }
    return (double) (System.nanoTime() - start) * Math.min(threads, cores()) / events;
  }

  private static int cores() {
    return Runtime.getRuntime().availableProcessors();
  }
}
