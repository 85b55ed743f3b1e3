package dev.penstock.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.penstock.engine.definition.Definitions;
import dev.penstock.engine.definition.StepSpec;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import dev.penstock.model.RunStatus;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine's meters show of real runs on a real SQLite file, driven by a scripted executor:
 * dispatch latency from the moment a step became ready, durations by outcome, slots, and what waits
 * for a slot or for its pipeline's maxConcurrentRuns.
 */
class EngineMetricsTest {
  private static final String SOURCE = "def f(**kwargs):\n    return 1\n";

  @TempDir Path dataDir;
  private final ScriptedExecutor executor = new ScriptedExecutor();
  private TestEngine engine;
  private Definitions definitions;

  private void start(int parallelLimit) {
    engine = TestEngine.open(dataDir, executor, InstantSource.system(), parallelLimit);
    definitions = engine.definitions();
    engine.scheduler().start();
  }

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.scheduler().stop();
      engine.stores().close();
    }
  }

  @Test
  void a_dependant_s_dispatch_is_timed_from_its_upstream_s_completion_not_from_the_run_s_start()
      throws Exception {
    start(2);
    String pipelineId = definitions.createPipeline("chain", null, null, false).id();
    step(pipelineId, "a", List.of());
    step(pipelineId, "b", List.of("a"));
    long runStarted = System.nanoTime();
    String versionId = engine.runs().run(pipelineId, null).id();
    var a = executor.next();
    long aLaunched = System.nanoTime();
    executor.assertNoMoreLaunches(); // b waits for a: the run is 300 ms old before a completes

    long aCompleted = System.nanoTime();
    a.succeed(IntNode.valueOf(1));
    var b = executor.next();
    long bLaunched = System.nanoTime();
    b.outcome().complete(StepOutcome.failure(FailureCause.USER_CODE, "boom", 1));
    awaitStatus(versionId, RunStatus.FAILED);

    Timer dispatch = timer("penstock.step.dispatch");
    assertThat(dispatch.count()).isEqualTo(2);
    // Each dispatch ends at its launch: a's began at most when the run did, b's when a completed.
    assertThat(dispatch.max(TimeUnit.NANOSECONDS))
        .isLessThanOrEqualTo(Math.max(aLaunched - runStarted, bLaunched - aCompleted))
        .isLessThan(bLaunched - runStarted);
    assertThat(timer("penstock.step.slot.wait").count()).isEqualTo(2);
    assertThat(durations("COMPLETE").count()).isEqualTo(1);
    assertThat(durations("USER_CODE").count()).isEqualTo(1);
    assertThat(durations("COMPLETE").totalTime(TimeUnit.NANOSECONDS))
        .isLessThanOrEqualTo(aCompleted - runStarted + (bLaunched - aCompleted));
    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("penstock.slots.used") == 0);
    assertThat(gauge("penstock.slots.limit")).isEqualTo(2);
  }

  @Test
  void steps_short_of_a_slot_are_counted_as_waiting_until_they_start() throws Exception {
    start(1);
    String pipelineId = definitions.createPipeline("wide", null, null, false).id();
    for (String name : List.of("x", "y", "z")) {
      step(pipelineId, name, List.of());
    }
    String versionId = engine.runs().run(pipelineId, null).id();

    var first = executor.next();
    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("penstock.steps.waiting") == 2);
    assertThat(gauge("penstock.slots.used")).isEqualTo(1);
    first.succeed(IntNode.valueOf(1));
    var second = executor.next();
    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("penstock.steps.waiting") == 1);
    second.succeed(IntNode.valueOf(2));
    executor.next().succeed(IntNode.valueOf(3));
    awaitStatus(versionId, RunStatus.COMPLETE);
    assertThat(gauge("penstock.steps.waiting")).isZero();
  }

  @Test
  void a_run_over_its_pipeline_s_max_concurrent_runs_is_counted_as_queued_until_admitted()
      throws Exception {
    start(2);
    String pipelineId =
        definitions.createPipeline("one-at-a-time", null, null, false, 1, null, null, null).id();
    step(pipelineId, "only", List.of());
    String firstRun = engine.runs().run(pipelineId, null).id();
    var first = executor.next();
    String secondRun = engine.runs().run(pipelineId, null).id();

    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("penstock.runs.queued") == 1);
    first.succeed(IntNode.valueOf(1));
    awaitStatus(firstRun, RunStatus.COMPLETE);
    var second = executor.next();
    assertThat(gauge("penstock.runs.queued")).isZero();
    second.succeed(IntNode.valueOf(2));
    awaitStatus(secondRun, RunStatus.COMPLETE);
  }

  private void step(String pipelineId, String name, List<String> after) {
    definitions.createStep(
        pipelineId, name, new StepSpec("f", SOURCE, null, null, after, null, null, null, null));
  }

  private void awaitStatus(String versionId, RunStatus status) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> engine.stores().runs().findVersion(versionId).orElseThrow().status() == status);
  }

  private Timer timer(String name) {
    return engine.meters().get(name).timer();
  }

  private Timer durations(String outcome) {
    return engine.meters().get("penstock.step.duration").tag("outcome", outcome).timer();
  }

  private double gauge(String name) {
    return engine.meters().get(name).gauge().value();
  }
}
