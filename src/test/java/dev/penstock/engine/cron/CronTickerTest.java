package dev.penstock.engine.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.penstock.engine.definition.Definitions;
import dev.penstock.engine.definition.StepSpec;
import dev.penstock.engine.run.Runs;
import dev.penstock.engine.run.Scheduler;
import dev.penstock.engine.run.ScriptedExecutor;
import dev.penstock.engine.run.TestEngine;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunTrigger;
import dev.penstock.store.jdbc.JdbcStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cron ticker on a real SQLite file with a scripted executor (scheduled steps launch and stay
 * running) and a clock the test moves; ticks are called by the test unless a test starts the timer.
 */
class CronTickerTest {
  private static final String SOURCE = "def f(**kwargs):\n    return 1\n";
  private static final Instant MIDNIGHT = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dataDir;
  private final AtomicReference<Instant> now = new AtomicReference<>(MIDNIGHT);
  private final InstantSource clock = () -> now.get();
  private JdbcStores stores;
  private Scheduler scheduler;
  private Definitions definitions;
  private Runs runs;
  private CronTicker ticker;

  @BeforeEach
  void start() {
    var engine = TestEngine.open(dataDir, new ScriptedExecutor(), clock, 4);
    stores = engine.stores();
    scheduler = engine.scheduler();
    definitions = engine.definitions();
    runs = engine.runs();
    scheduler.start();
  }

  @AfterEach
  void stop() {
    if (ticker != null) {
      ticker.stop();
    }
    scheduler.stop();
    stores.close();
  }

  private CronTicker ticker(Duration tick) {
    ticker = new CronTicker(stores.pipelines(), runs, clock, tick);
    return ticker;
  }

  private String hourlyPipelineWithAStep(String name) {
    String pipelineId = definitions.createPipeline(name, null, "0 * * * *", false).id();
    definitions.createStep(
        pipelineId, "only", new StepSpec("f", SOURCE, null, null, null, null, null, null, null));
    return pipelineId;
  }

  private Pipeline pipeline(String pipelineId) {
    return stores.pipelines().findPipeline(pipelineId).orElseThrow();
  }

  private List<PipelineVersion> versions(String pipelineId) {
    return stores.runs().versionIds(pipelineId, 100).stream()
        .map(id -> stores.runs().findVersion(id).orElseThrow())
        .toList();
  }

  @Test
  void eight_threads_ticking_at_the_same_instant_start_one_run() throws Exception {
    String pipelineId = hourlyPipelineWithAStep("raced");
    var cron = ticker(Duration.ofHours(1));
    now.set(Instant.parse("2026-01-01T01:00:00.500Z"));
    var start = new CountDownLatch(1);
    var threads = Executors.newFixedThreadPool(8);
    int started = 0;
    try {
      var ticks = new ArrayList<Future<Integer>>();
      for (int thread = 0; thread < 8; thread++) {
        ticks.add(
            threads.submit(
                () -> {
                  start.await();
                  return cron.tickOnce();
                }));
      }
      start.countDown();
      for (Future<Integer> tick : ticks) {
        started += tick.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(started).isEqualTo(1);
    assertThat(versions(pipelineId))
        .singleElement()
        .extracting(PipelineVersion::trigger)
        .isEqualTo(RunTrigger.SCHEDULE);
    assertThat(pipeline(pipelineId).nextRunAt()).isEqualTo("2026-01-01T02:00:00Z");
  }

  @Test
  void firings_missed_while_no_server_ran_are_caught_up_with_one_run() {
    String pipelineId = hourlyPipelineWithAStep("missed");
    now.set(Instant.parse("2026-01-01T05:30:00Z"));

    assertThat(ticker(Duration.ofHours(1)).tickOnce()).isEqualTo(1);
    assertThat(ticker.tickOnce()).isZero();

    assertThat(versions(pipelineId)).hasSize(1);
    assertThat(pipeline(pipelineId).nextRunAt()).isEqualTo("2026-01-01T06:00:00Z");
  }

  @Test
  void a_schedule_fires_nothing_before_it_is_due() {
    String pipelineId = hourlyPipelineWithAStep("early");
    now.set(Instant.parse("2026-01-01T00:59:59.999Z"));

    assertThat(ticker(Duration.ofHours(1)).tickOnce()).isZero();
    assertThat(versions(pipelineId)).isEmpty();
  }

  @Test
  void a_run_that_cannot_start_is_not_retried_until_the_next_firing() {
    String pipelineId = definitions.createPipeline("no_steps", null, "0 * * * *", false).id();
    now.set(Instant.parse("2026-01-01T01:00:00Z"));

    assertThat(ticker(Duration.ofHours(1)).tickOnce()).isZero();
    assertThat(ticker.tickOnce()).isZero();

    assertThat(versions(pipelineId)).isEmpty();
    assertThat(pipeline(pipelineId).nextRunAt()).isEqualTo("2026-01-01T02:00:00Z");
    assertThat(stores.pipelines().dueSchedules(now.get())).isEmpty();
  }

  @Test
  void a_paused_schedule_fires_nothing() {
    String pipelineId = hourlyPipelineWithAStep("paused");
    stores.pipelines().setSchedule(pipelineId, "0 * * * *", true, null, MIDNIGHT);
    now.set(Instant.parse("2026-01-01T03:00:00Z"));

    assertThat(ticker(Duration.ofHours(1)).tickOnce()).isZero();
    assertThat(versions(pipelineId)).isEmpty();
  }

  @Test
  void start_times_a_schedule_stored_without_a_next_firing_and_the_timer_fires_it() {
    String pipelineId = hourlyPipelineWithAStep("untimed");
    // As a row written before schedules were timed (V1, V2) reads after migration.
    stores.pipelines().setSchedule(pipelineId, "0 * * * *", false, null, MIDNIGHT);
    now.set(Instant.parse("2026-01-01T00:10:00Z"));

    ticker(Duration.ofMillis(20)).start();

    assertThat(pipeline(pipelineId).nextRunAt()).isEqualTo("2026-01-01T01:00:00Z");
    now.set(Instant.parse("2026-01-01T01:00:00Z"));
    await().atMost(Duration.ofSeconds(10)).until(() -> versions(pipelineId).size() == 1);
    assertThat(pipeline(pipelineId).nextRunAt()).isEqualTo("2026-01-01T02:00:00Z");
  }
}
