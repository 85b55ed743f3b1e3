package dev.penstock.engine.upkeep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.penstock.engine.attempt.Lease;
import dev.penstock.engine.definition.StepSpec;
import dev.penstock.engine.run.FailingRunStore;
import dev.penstock.engine.run.ScriptedExecutor;
import dev.penstock.engine.run.TestEngine;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server on a shared database whose heartbeat hangs (a database that stops answering) stops its
 * steps and hands them back when its lease lapses, whatever the heartbeat is stuck on, and runs
 * steps again once a heartbeat gets through. The database is SQLite standing in for a shared one:
 * what is tested is the sweeper's and the launcher's part.
 */
class SweeperLeaseTest {
  private static final Duration BEAT = Duration.ofMillis(200);
  private static final int MISSED = 5; // dead after 1 s; the lease lapses after 800 ms

  @TempDir Path dataDir;
  private final ScriptedExecutor executor = new ScriptedExecutor();
  private FailingRunStore store;
  private TestEngine engine;
  private Sweeper sweeper;

  @BeforeEach
  void start() {
    var settings = new Sweeper.Settings("node-a", BEAT, MISSED, Duration.ofMinutes(10));
    var lease = Lease.lapsingAfter(settings.leaseTerm());
    engine =
        TestEngine.openOn(
            "jdbc:sqlite:" + dataDir.resolve("penstock.db"),
            dataDir,
            executor,
            Instant::now,
            2,
            real -> {
              store = FailingRunStore.wrapping(real);
              return store.store();
            },
            lease);
    sweeper =
        new Sweeper(
            store.store(),
            engine.scheduler(),
            engine.launcher(),
            Instant::now,
            settings,
            lease,
            true);
    sweeper.recoverAtStartup(false);
    engine.scheduler().start();
    sweeper.start();
  }

  @AfterEach
  void stop() {
    store.heal();
    sweeper.stop();
    engine.scheduler().stop();
    engine.launcher().shutdown();
    engine.stores().close();
  }

  @Test
  void a_heartbeat_stuck_on_the_database_hands_the_steps_back_when_the_lease_lapses()
      throws Exception {
    String pipelineId = engine.definitions().createPipeline("leased", null, null, false).id();
    engine
        .definitions()
        .createStep(
            pipelineId,
            "a",
            new StepSpec(
                "f", "def f():\n    return 1\n", null, null, null, null, null, null, null));
    String versionId = engine.runs().run(pipelineId, null).id();
    var first = executor.next();

    store.hangOn("heartbeatNode");

    var stopped = first.outcome().get(5, TimeUnit.SECONDS);
    assertThat(stopped.cause()).isEqualTo(FailureCause.WORKER_LOST);
    assertThat(stopped.error()).contains("could not reach the database");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> step(versionId).status() == StepStatus.PENDING);
    assertThat(step(versionId).attempt()).isEqualTo(1);
    executor.assertNoMoreLaunches(); // nothing starts without the lease

    store.heal();
    var second = executor.next();
    assertThat(second.launch().attempt()).isEqualTo(2);
    second.outcome().complete(StepOutcome.success(IntNode.valueOf(1), 0));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                engine.stores().runs().versionStatus(versionId).orElseThrow()
                    == RunStatus.COMPLETE);
  }

  private StepVersion step(String versionId) {
    return engine.stores().runs().findVersion(versionId).orElseThrow().steps().get(0);
  }
}
