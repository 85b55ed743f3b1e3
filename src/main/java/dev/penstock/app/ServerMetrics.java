package dev.penstock.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;

/**
 * One server's meters, in a Prometheus registry of its own (two servers in one JVM, as in tests,
 * never mix their figures): those the engine, the store and the API register, the standard JVM and
 * process binders, the data directory's free space, and the gauges only the composition root can
 * read (fork servers alive). Thread-safe; {@link #close} once, when the server stops.
 */
final class ServerMetrics implements AutoCloseable {
  private static final Path PROC_STATUS = Path.of("/proc/self/status");

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();

  ServerMetrics(Path dataDir) {
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new DiskSpaceMetrics(dataDir.toFile()).bindTo(registry);
    Gauge.builder("process.resident.memory", ServerMetrics::residentBytes)
        .description("Resident set size of the server's process (VmRSS)")
        .baseUnit("bytes")
        .register(registry);
  }

  MeterRegistry registry() {
    return registry;
  }

  /** Every meter in the Prometheus text format (version 0.0.4). */
  String scrape() {
    return registry.scrape();
  }

  /** Shows how many fork servers are alive, as {@code alive} counts them on each scrape. */
  void watchForkServers(IntSupplier alive) {
    Gauge.builder("penstock.fork.servers", alive, IntSupplier::getAsInt)
        .description("Fork servers alive: one per Python environment in use")
        .strongReference(true) // a method reference nothing else holds
        .register(registry);
  }

  @Override
  public void close() {
    gc.close(); // it listens to the JVM's collectors, which outlive this server
    registry.close();
  }

  /** VmRSS of /proc/self/status, or NaN where there is none (not Linux). */
  private static double residentBytes() {
    try {
      for (String line : Files.readAllLines(PROC_STATUS)) {
        if (line.startsWith("VmRSS:")) {
          String kilobytes = line.substring("VmRSS:".length()).replace("kB", "").trim();
          return Long.parseLong(kilobytes) * 1024.0;
        }
      }
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }
}
