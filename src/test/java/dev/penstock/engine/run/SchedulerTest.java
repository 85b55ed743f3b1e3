package dev.penstock.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.penstock.engine.attempt.Lease;
import dev.penstock.engine.definition.Definitions;
import dev.penstock.engine.definition.StepSpec;
import dev.penstock.engine.upkeep.Sweeper;
import dev.penstock.model.InputMapping;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepPlacement;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.model.VariableType;
import dev.penstock.store.jdbc.JdbcStores;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler, launcher and sweeper on a real SQLite file, driven by a scripted executor whose
 * steps end when the test says and a clock the test moves. No sleeping: every wait polls with a
 * deadline.
 */
class SchedulerTest {
  private static final String SOURCE = "def f(**kwargs):\n    return 1\n";

  @TempDir Path dataDir;
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final InstantSource clock = () -> now.get();
  private final ScriptedExecutor executor = new ScriptedExecutor();
  private JdbcStores stores;
  private Scheduler scheduler;
  private Sweeper sweeper;
  private TestEngine engine;
  private Definitions definitions;
  private Runs runs;

  private void start(int parallelLimit) {
    engine = TestEngine.open(dataDir, executor, clock, parallelLimit);
    stores = engine.stores();
    scheduler = engine.scheduler();
    definitions = engine.definitions();
    runs = engine.runs();
    sweeper = sweeperOf("node-a");
    sweeper.recoverAtStartup(false);
    scheduler.start();
  }

  private Sweeper sweeperOf(String nodeId) {
    return new Sweeper(
        stores.runs(),
        scheduler,
        engine.launcher(),
        clock,
        new Sweeper.Settings(nodeId, Duration.ofSeconds(5), 3, Duration.ofSeconds(30)),
        Lease.forever(),
        false);
  }

  @AfterEach
  void stop() {
    if (scheduler != null) {
      scheduler.stop();
      stores.close();
    }
  }

  private String pipelineWith(String... chain) {
    return engine.chainPipeline("p", chain);
  }

  private PipelineVersion version(String id) {
    return stores.runs().findVersion(id).orElseThrow();
  }

  private StepVersion step(String versionId, String name) {
    return version(versionId).steps().stream()
        .filter(s -> s.stepName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private PipelineVersion awaitStatus(String versionId, RunStatus status) {
    await().atMost(Duration.ofSeconds(10)).until(() -> version(versionId).status() == status);
    return version(versionId);
  }

  @Test
  void a_finished_step_starts_its_dependant_from_the_completion_event_with_its_output()
      throws Exception {
    start(2);
    String versionId = runs.run(pipelineWith("a", "b"), null).id();

    var a = executor.next();
    assertThat(a.launch().functionName()).isEqualTo("f");
    assertThat(a.launch().placement()).isEqualTo(StepPlacement.DEFAULT);
    executor.assertNoMoreLaunches();
    a.succeed(IntNode.valueOf(41));

    var b = executor.next();
    assertThat(b.launch().kwargs()).containsEntry("v", IntNode.valueOf(41));
    b.succeed(IntNode.valueOf(42));
    var done = awaitStatus(versionId, RunStatus.COMPLETE);
    assertThat(done.steps()).extracting(StepVersion::status).containsOnly(StepStatus.COMPLETE);
  }

  @Test
  void steps_beyond_the_parallel_limit_wait_and_start_when_a_slot_frees() throws Exception {
    start(1);
    String pipelineId = definitions.createPipeline("wide", null, null, false).id();
    for (String name : List.of("x", "y")) {
      definitions.createStep(
          pipelineId, name, new StepSpec("f", SOURCE, null, null, null, null, null, null, null));
    }
    String versionId = runs.run(pipelineId, null).id();
    var first = executor.next();
    executor.assertNoMoreLaunches();
    first.succeed(IntNode.valueOf(1));
    executor.next().succeed(IntNode.valueOf(2));
    awaitStatus(versionId, RunStatus.COMPLETE);
  }

  @Test
  void a_runs_steps_launch_where_its_pipeline_placed_them_when_it_started() throws Exception {
    start(1);
    String pipelineId = pipelineWith("a", "b");
    var onKubernetes = new StepPlacement(StepPlacement.Executor.KUBERNETES, "python:3.12-slim");
    definitions.updatePipeline(
        pipelineId, null, null, null, null, null, null, "kubernetes", "python:3.12-slim");
    String versionId = runs.run(pipelineId, null).id();
    definitions.updatePipeline(pipelineId, null, null, null, null, null, null, "local", "default");

    var a = executor.next();
    assertThat(a.launch().placement()).isEqualTo(onKubernetes);
    a.succeed(IntNode.valueOf(1));
    var b = executor.next();
    assertThat(b.launch().placement()).as("launched after the change").isEqualTo(onKubernetes);
    b.succeed(IntNode.valueOf(2));
    assertThat(awaitStatus(versionId, RunStatus.COMPLETE).placement()).isEqualTo(onKubernetes);

    String laterRun = runs.run(pipelineId, null).id();
    var later = executor.next();
    assertThat(later.launch().placement())
        .isEqualTo(new StepPlacement(StepPlacement.Executor.LOCAL, null));
    later.succeed(IntNode.valueOf(3));
    executor.next().succeed(IntNode.valueOf(4));
    awaitStatus(laterRun, RunStatus.COMPLETE);
  }

  @Test
  void a_step_of_a_dead_server_is_rerun_and_the_late_result_of_its_old_attempt_is_ignored()
      throws Exception {
    start(2);
    String versionId = runs.run(pipelineWith("a"), null).id();
    var firstAttempt = executor.next();
    assertThat(firstAttempt.launch().attempt()).isEqualTo(1);

    // Nothing heartbeats in this test, so moving the clock past 3 missed heartbeats makes node-a
    // dead to another server's sweeper (its own never takes itself for dead).
    now.set(now.get().plus(Duration.ofSeconds(16)));
    sweeper.sweepOnce();
    executor.assertNoMoreLaunches();
    sweeperOf("node-b").sweepOnce();

    var secondAttempt = executor.next();
    assertThat(secondAttempt.launch().attempt()).isEqualTo(2);
    assertThat(secondAttempt.launch().workDir()).isNotEqualTo(firstAttempt.launch().workDir());

    firstAttempt.succeed(IntNode.valueOf(100));
    await()
        .during(Duration.ofMillis(200))
        .atMost(Duration.ofSeconds(2))
        .until(() -> step(versionId, "a").status() == StepStatus.RUNNING);

    secondAttempt.succeed(IntNode.valueOf(200));
    awaitStatus(versionId, RunStatus.COMPLETE);
    StepVersion a = step(versionId, "a");
    assertThat(a.attempt()).isEqualTo(2);
    assertThat(a.outputValues().get(0).value()).isEqualTo(IntNode.valueOf(200));
    assertThat(stores.runs().history(a.id()))
        .extracting(change -> change.status())
        .containsSubsequence("RUNNING", "PENDING", "RUNNING", "COMPLETE");
  }

  @Test
  void a_step_whose_input_cannot_be_bound_fails_without_launching_and_skips_its_dependants()
      throws Exception {
    start(2);
    String pipelineId = definitions.createPipeline("unbound", null, null, false).id();
    definitions.createStep(
        pipelineId,
        "needs",
        new StepSpec(
            "f",
            SOURCE,
            List.of(
                new InputMapping(
                    "x", VariableType.INTEGER, true, null, "missing", null, null, null)),
            null,
            null,
            null,
            null,
            null,
            null));
    definitions.createStep(
        pipelineId,
        "after",
        new StepSpec("f", SOURCE, null, null, List.of("needs"), null, null, null, null));
    String versionId = runs.run(pipelineId, null).id();

    var failed = awaitStatus(versionId, RunStatus.FAILED);
    executor.assertNoMoreLaunches();
    assertThat(step(versionId, "needs").error()).startsWith("missing required argument 'x'");
    assertThat(step(versionId, "after").status()).isEqualTo(StepStatus.SKIPPED);
    assertThat(failed.error()).isEqualTo("Pipeline failed: step 'needs' failed");
  }

  @Test
  void a_run_accepted_before_a_restart_is_picked_up_by_the_startup_recovery() throws Exception {
    start(2);
    String pipelineId = pipelineWith("a");
    scheduler.stop();
    String versionId = runs.run(pipelineId, null).id();
    executor.assertNoMoreLaunches();

    sweeper.recoverAtStartup(true);
    scheduler.start();
    executor.next().succeed(IntNode.valueOf(1));
    awaitStatus(versionId, RunStatus.COMPLETE);
  }

  /**
   * Round robin between runs waiting for slots: a run that takes a slot queues again behind the
   * others, so a run started after a huge one waits one turn, not until the huge run is done.
   */
  @Test
  void a_run_started_after_a_huge_one_gets_a_slot_within_one_turn() throws Exception {
    start(1);
    String huge = definitions.createPipeline("huge", null, null, false).id();
    for (int i = 0; i < 6; i++) {
      definitions.createStep(
          huge, "h" + i, new StepSpec("f", SOURCE, null, null, null, null, null, null, null));
    }
    String hugeRun = runs.run(huge, null).id();
    var launched = new ArrayList<String>();
    var current = executor.next();
    String small = definitions.createPipeline("small", null, null, false).id();
    definitions.createStep(
        small, "s", new StepSpec("f", SOURCE, null, null, null, null, null, null, null));
    String smallRun = runs.run(small, null).id();
    executor.assertNoMoreLaunches();

    for (int i = 0; i < 7; i++) {
      launched.add(current.launch().workDir().toString().contains(smallRun) ? "small" : "huge");
      current.succeed(IntNode.valueOf(i));
      if (i < 6) {
        current = executor.next();
      }
    }

    assertThat(launched.indexOf("small")).as("launch order " + launched).isBetween(1, 2);
    awaitStatus(smallRun, RunStatus.COMPLETE);
    awaitStatus(hugeRun, RunStatus.COMPLETE);
  }
}
