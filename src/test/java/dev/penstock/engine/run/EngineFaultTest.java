package dev.penstock.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import dev.penstock.engine.attempt.Lease;
import dev.penstock.engine.upkeep.Sweeper;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine meeting faults that are not the step's. A real SQLite store that fails on demand
 * ({@link FailingRunStore}), as a full disk or a lost connection would, at each point a step passes
 * (claim, launch, record, plan): each run still ends, COMPLETE once the fault clears, without a
 * sweep or a restart, and every slot returns. A lost worker reruns the step without using a retry,
 * up to a cap; a claim this node holds but does not run is recovered by a sweep.
 */
class EngineFaultTest {
  private static final String SOURCE = "def f(**kwargs):\n    return 1\n";

  @TempDir Path dataDir;
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final ScriptedExecutor executor = new ScriptedExecutor();
  private FailingRunStore store;
  private TestEngine engine;
  private Sweeper sweeper;

  @BeforeEach
  void start() {
    engine =
        TestEngine.open(
            dataDir,
            executor,
            now::get,
            2,
            real -> {
              store = FailingRunStore.wrapping(real);
              return store.store();
            });
    sweeper =
        new Sweeper(
            store.store(),
            engine.scheduler(),
            engine.launcher(),
            now::get,
            new Sweeper.Settings("node-a", Duration.ofSeconds(5), 3, Duration.ofSeconds(30)),
            Lease.forever(),
            false);
    sweeper.recoverAtStartup(false);
    engine.scheduler().start();
  }

  @AfterEach
  void stop() {
    engine.scheduler().stop();
    engine.launcher().shutdown();
    engine.stores().close();
  }

  @Test
  void a_claim_the_store_refuses_gives_its_slot_back_and_is_planned_again_until_it_lands()
      throws Exception {
    store.failOn("claimStepWithProgress");
    String versionId = engine.runs().run(pipeline("a"), null).id();

    // Tried again soon and again, not only at the next sweep; the slot is back between tries.
    await().atMost(Duration.ofSeconds(10)).until(() -> store.faults() >= 3);
    assertThat(slotsUsed()).isZero();
    assertThat(step(versionId, "a").status()).isEqualTo(StepStatus.PENDING);
    executor.assertNoMoreLaunches();

    store.heal();
    executor.next().succeed(IntNode.valueOf(7));
    awaitStatus(versionId, RunStatus.COMPLETE);
    assertThat(slotsUsed()).isZero();
  }

  @Test
  void a_launch_that_cannot_make_the_attempt_directory_reruns_without_a_retry_once_it_can()
      throws Exception {
    Path runsDir = dataDir.resolve("runs");
    Files.writeString(runsDir, "a file where the runs' directories go, as a broken disk has it");
    String versionId = engine.runs().run(pipeline("a"), null).id();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> engine.stores().runs().attempts(step(versionId, "a").id()).size() == 1);
    var interrupted = engine.stores().runs().attempts(step(versionId, "a").id()).get(0);
    assertThat(interrupted.cause()).isEqualTo(FailureCause.PLATFORM_FAULT);
    assertThat(interrupted.reason())
        .startsWith("attempt 1 was interrupted by a platform fault")
        .contains("could not launch the step");
    assertThat(step(versionId, "a").status()).isEqualTo(StepStatus.PENDING);
    assertThat(slotsUsed()).isZero();

    Files.delete(runsDir);
    rerunDue(versionId);
    var second = executor.next();
    assertThat(second.launch().attempt()).isEqualTo(2);
    second.succeed(IntNode.valueOf(7));
    awaitStatus(versionId, RunStatus.COMPLETE);
    assertThat(step(versionId, "a").failures()).as("retries used").isZero();
    assertThat(slotsUsed()).isZero();
  }

  @Test
  void a_result_the_store_cannot_take_is_kept_and_recorded_once_it_can() throws Exception {
    String versionId = engine.runs().run(pipeline("a", "b"), null).id();
    var a = executor.next();
    store.failOn("completeStepWithProgress");
    a.succeed(IntNode.valueOf(41));

    await().atMost(Duration.ofSeconds(10)).until(() -> store.faults() >= 2);
    assertThat(slotsUsed()).as("the process is over, its slot free").isZero();
    assertThat(step(versionId, "a").status()).isEqualTo(StepStatus.RUNNING);

    store.heal();
    var b = executor.next();
    assertThat(b.launch().kwargs()).containsEntry("v", IntNode.valueOf(41));
    b.succeed(IntNode.valueOf(42));
    awaitStatus(versionId, RunStatus.COMPLETE);
    assertThat(slotsUsed()).isZero();
  }

  @Test
  void a_plan_that_fails_is_tried_again_soon_without_waiting_for_a_sweep() throws Exception {
    store.failOn("finishVersion");
    String versionId = engine.runs().run(pipeline("a"), null).id();
    executor.next().succeed(IntNode.valueOf(1));

    await().atMost(Duration.ofSeconds(10)).until(() -> store.faults() >= 3);
    assertThat(version(versionId).status()).isEqualTo(RunStatus.RUNNING);

    store.heal();
    awaitStatus(versionId, RunStatus.COMPLETE);
    assertThat(slotsUsed()).isZero();
  }

  /** Every write failing for a while: what a full disk does to SQLite, wherever the disk is. */
  @Test
  void a_store_that_takes_no_writes_for_a_while_delays_the_run_and_it_completes_after()
      throws Exception {
    String first = engine.runs().run(pipeline("a", "b"), null).id();
    String second = engine.runs().run(pipeline("c"), null).id();
    var started = List.of(executor.next(), executor.next());
    store.failOn(FailingRunStore.WRITES);
    started.forEach(launched -> launched.succeed(IntNode.valueOf(1)));

    await().atMost(Duration.ofSeconds(10)).until(() -> store.faults() >= 6);
    assertThat(slotsUsed()).isZero();
    executor.assertNoMoreLaunches();

    store.heal();
    executor.next().succeed(IntNode.valueOf(2));
    awaitStatus(first, RunStatus.COMPLETE);
    awaitStatus(second, RunStatus.COMPLETE);
    assertThat(step(first, "b").outputValues().get(0).value()).isEqualTo(IntNode.valueOf(2));
    assertThat(slotsUsed()).isZero();
  }

  @Test
  void a_lost_worker_reruns_the_step_without_using_a_retry_and_its_log_says_why() throws Exception {
    String versionId = engine.runs().run(pipeline("a"), null).id();
    loseWorker(executor.next());

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> step(versionId, "a").status() == StepStatus.PENDING);
    rerunDue(versionId);
    var second = executor.next();
    assertThat(second.launch().attempt()).isEqualTo(2);
    assertThat(Files.readString(second.launch().logFile()))
        .startsWith("[penstock] attempt 2 of step 'a' starts: attempt 1 was interrupted by a")
        .contains("the fork server died");
    second.succeed(IntNode.valueOf(3));
    awaitStatus(versionId, RunStatus.COMPLETE);
    assertThat(step(versionId, "a").failures()).isZero();
  }

  @Test
  void a_step_whose_worker_dies_every_time_fails_after_the_cap_saying_so() throws Exception {
    String versionId = engine.runs().run(pipeline("a"), null).id();
    for (int attempt = 1; attempt <= 3; attempt++) {
      var launched = executor.next();
      assertThat(launched.launch().attempt()).isEqualTo(attempt);
      loseWorker(launched);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> step(versionId, "a").status() == StepStatus.PENDING);
      rerunDue(versionId);
    }
    loseWorker(executor.next());

    awaitStatus(versionId, RunStatus.FAILED);
    StepVersion a = step(versionId, "a");
    assertThat(a.attempt()).isEqualTo(4);
    assertThat(a.failureCause()).isEqualTo(FailureCause.PLATFORM_FAULT);
    assertThat(a.error())
        .isEqualTo(
            "gave up after 4 platform faults in a row (the step ran again 3 times without using a"
                + " retry): the fork server died");
    assertThat(engine.stores().runs().attempts(a.id()))
        .extracting(attempt -> attempt.status())
        .containsExactly("INTERRUPTED", "INTERRUPTED", "INTERRUPTED", "FAILED");
    executor.assertNoMoreLaunches();
    assertThat(slotsUsed()).isZero();
  }

  @Test
  void a_claim_this_node_holds_but_does_not_run_is_put_back_by_a_sweep() throws Exception {
    store.failAfter("claimStepWithProgress"); // the claim commits, but the launcher hears it failed
    String versionId = engine.runs().run(pipeline("a"), null).id();
    await().atMost(Duration.ofSeconds(10)).until(() -> store.faults() >= 1);
    store.heal();
    assertThat(step(versionId, "a").status()).isEqualTo(StepStatus.RUNNING);
    assertThat(step(versionId, "a").claimedBy()).isEqualTo("node-a");
    executor.assertNoMoreLaunches();
    assertThat(slotsUsed()).isZero();

    sweeper.sweepOnce();
    rerunDue(versionId);

    var second = executor.next();
    assertThat(second.launch().attempt()).isEqualTo(2);
    second.succeed(IntNode.valueOf(1));
    awaitStatus(versionId, RunStatus.COMPLETE);
    var orphaned = engine.stores().runs().attempts(step(versionId, "a").id()).get(0);
    assertThat(orphaned.cause()).isEqualTo(FailureCause.PLATFORM_FAULT);
    assertThat(orphaned.reason())
        .contains("the server held the step's claim but was not running it");
    assertThat(step(versionId, "a").failures()).isZero();
  }

  @Test
  void a_sweep_leaves_alone_the_steps_this_node_runs_or_is_recording() throws Exception {
    String versionId = engine.runs().run(pipeline("a", "b"), null).id();
    var a = executor.next();
    sweeper.sweepOnce();
    executor.assertNoMoreLaunches();
    store.failOn("completeStepWithProgress");
    a.succeed(IntNode.valueOf(5));
    await().atMost(Duration.ofSeconds(10)).until(() -> store.faults() >= 1);

    sweeper.sweepOnce(); // the result waits for the store: the step is not an orphan
    store.heal();

    var b = executor.next();
    assertThat(b.launch().kwargs()).containsEntry("v", IntNode.valueOf(5));
    b.succeed(IntNode.valueOf(6));
    awaitStatus(versionId, RunStatus.COMPLETE);
    assertThat(engine.stores().runs().attempts(step(versionId, "a").id()))
        .extracting(attempt -> attempt.status())
        .containsExactly("COMPLETE");
  }

  @Test
  void a_fault_while_binding_inputs_puts_the_step_back_and_gives_its_slot_back() throws Exception {
    engine.scheduler().stop(); // this test starts the step itself
    String pipelineId = pipeline("a", "b");
    String versionId = engine.runs().run(pipelineId, null).id();
    var version = engine.stores().runs().findVersionToPlan(versionId).orElseThrow();
    StepVersion b = step(versionId, "b");
    var scope =
        new HashMap<String, JsonNode>() {
          @Override
          public JsonNode get(Object name) {
            throw new IllegalStateException("a fault while reading " + name + " from the scope");
          }
        };
    assertThat(engine.launcher().slots().tryAcquire(1, versionId)).isTrue();

    engine.launcher().start(version, b, scope, 1, System.nanoTime());

    assertThat(slotsUsed()).isZero();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> step(versionId, "b").status() == StepStatus.PENDING);
    var interrupted = engine.stores().runs().attempts(b.id()).get(0);
    assertThat(interrupted.cause()).isEqualTo(FailureCause.PLATFORM_FAULT);
    assertThat(interrupted.reason())
        .contains("could not bind the step's inputs: java.lang.IllegalStateException");
    executor.assertNoMoreLaunches();
  }

  private static void loseWorker(ScriptedExecutor.Launched launched) {
    launched
        .outcome()
        .complete(StepOutcome.failure(FailureCause.WORKER_LOST, "the fork server died", null));
  }

  private int slotsUsed() {
    return engine.launcher().slots().used();
  }

  /** Moves the clock past any platform-fault delay and plans the run again. */
  private void rerunDue(String versionId) {
    now.set(now.get().plus(Duration.ofMinutes(1)));
    engine.scheduler().wake(versionId);
  }

  private String pipeline(String... chain) {
    return engine.chainPipeline("p-" + chain[0], chain);
  }

  private PipelineVersion version(String id) {
    return engine.stores().runs().findVersion(id).orElseThrow();
  }

  private StepVersion step(String versionId, String name) {
    return version(versionId).steps().stream()
        .filter(s -> s.stepName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private void awaitStatus(String versionId, RunStatus status) {
    await().atMost(Duration.ofSeconds(15)).until(() -> version(versionId).status() == status);
  }
}
