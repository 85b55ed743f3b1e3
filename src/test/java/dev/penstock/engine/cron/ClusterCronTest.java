package dev.penstock.engine.cron;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.engine.attempt.Lease;
import dev.penstock.engine.definition.StepSpec;
import dev.penstock.engine.run.ScriptedExecutor;
import dev.penstock.engine.run.TestEngine;
import dev.penstock.model.RunTrigger;
import dev.penstock.testing.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three servers' engines (each its own connection pool and ticker) on one real PostgreSQL database,
 * ticking at the same instants: a schedule fires once per firing, not once per server. The clock is
 * the test's, so twenty minutes of firings take a second; separate server processes could not share
 * it.
 */
class ClusterCronTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:30Z");

  @TempDir Path dataDir;
  private final AtomicReference<Instant> now = new AtomicReference<>(START);
  private final InstantSource clock = () -> now.get();
  private final List<TestEngine> servers = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(server -> server.stores().close());
  }

  @Test
  void a_schedule_over_twenty_ticks_on_three_servers_fires_twenty_times() throws Exception {
    String database = EmbeddedPostgresServer.newDatabase();
    for (int i = 0; i < 3; i++) {
      servers.add(
          TestEngine.openOn(
              database,
              dataDir.resolve("server-" + i),
              new ScriptedExecutor(),
              clock,
              2,
              UnaryOperator.identity(),
              Lease.forever()));
    }
    var definitions = servers.get(0).definitions();
    String pipelineId = definitions.createPipeline("every-minute", null, "* * * * *", false).id();
    definitions.createStep(
        pipelineId,
        "only",
        new StepSpec("f", "def f():\n    return 1\n", null, null, null, null, null, null, null));
    var tickers =
        servers.stream()
            .map(
                server ->
                    new CronTicker(
                        server.stores().pipelines(), server.runs(), clock, Duration.ofSeconds(1)))
            .toList();

    var threads = Executors.newFixedThreadPool(3);
    var together = new CyclicBarrier(3);
    int started = 0;
    try {
      for (int minute = 1; minute <= 20; minute++) {
        now.set(START.plus(Duration.ofMinutes(minute)));
        var ticks = new ArrayList<Future<Integer>>();
        for (CronTicker ticker : tickers) {
          ticks.add(
              threads.submit(
                  () -> {
                    together.await(30, TimeUnit.SECONDS);
                    return ticker.tickOnce();
                  }));
        }
        for (Future<Integer> tick : ticks) {
          started += tick.get(60, TimeUnit.SECONDS);
        }
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(started).isEqualTo(20);
    var runs = servers.get(0).stores().runs();
    var versions = runs.versionIds(pipelineId, 100);
    assertThat(versions).hasSize(20);
    assertThat(versions)
        .allSatisfy(
            id ->
                assertThat(runs.findVersion(id).orElseThrow().trigger())
                    .isEqualTo(RunTrigger.SCHEDULE));
  }
}
