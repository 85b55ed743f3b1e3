package dev.penstock.engine.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.engine.definition.StepSpec;
import dev.penstock.model.StepProgress;
import dev.penstock.model.StepStatus;
import dev.penstock.store.RunStore;
import dev.penstock.store.StepCompletion;
import dev.penstock.store.jdbc.JdbcStores;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run cache on a real SQLite file, with changes committed while it reads a run whole. */
class RunCacheTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path dataDir;
  private JdbcStores stores;
  private String runId;
  private String stepId;

  @BeforeEach
  void oneRunOfOneStep() {
    // Never started: the run is only stored, and nothing plans it but this test.
    var engine = TestEngine.open(dataDir, new ScriptedExecutor(), () -> NOW, 2);
    stores = engine.stores();
    var definitions = engine.definitions();
    String pipelineId = definitions.createPipeline("p", null, null, false).id();
    definitions.createStep(
        pipelineId,
        "only",
        new StepSpec(
            "f",
            "def f():\n    return 1\n",
            List.of(),
            List.of(),
            List.of(),
            null,
            null,
            null,
            null));
    var run = engine.runs().run(pipelineId, null);
    runId = run.id();
    stepId = run.steps().get(0).id();
  }

  @AfterEach
  void close() {
    stores.close();
  }

  @Test
  void a_step_changed_while_the_run_is_read_whole_is_not_lost() {
    var cache = cacheOverAStoreThatChangesTheStepAfterTheFirstWholeRead();

    cache.current(runId).orElseThrow();

    // The claim committed after the whole read and was marked before that read returned: the mark
    // must not be lost, or the run would wait for the sweeper's next whole read.
    var next = cache.current(runId).orElseThrow();
    assertThat(next.step(stepId).status()).isEqualTo(StepStatus.RUNNING);
    assertThat(next.state().plan(NOW, 2).start()).isEmpty();
  }

  @Test
  void a_run_read_again_keeps_when_its_steps_became_ready_and_a_dropped_one_does_not() {
    var cache = new RunCache(stores.runs());
    var first = cache.current(runId).orElseThrow();
    long readySince = first.state().readySince(0);

    cache.forget(runId);
    var again = cache.current(runId).orElseThrow();
    cache.drop(runId);
    var anew = cache.current(runId).orElseThrow();

    assertThat(again.state()).isNotSameAs(first.state());
    assertThat(again.state().readySince(0)).isEqualTo(readySince);
    assertThat(anew.state().readySince(0)).isGreaterThan(readySince);
  }

  @Test
  void a_change_that_tells_the_steps_progress_is_planned_without_reading_the_step() {
    var reads = new ConcurrentHashMap<String, Integer>();
    var cache = new RunCache(counting(stores.runs(), reads));
    cache.current(runId).orElseThrow();

    var claimed = claim();
    cache.stepChanged(runId, stepId, claimed);
    var running = cache.current(runId).orElseThrow();
    var completed = complete();
    cache.stepChanged(runId, stepId, completed);
    var complete = cache.current(runId).orElseThrow();

    assertThat(running.step(stepId).status()).isEqualTo(StepStatus.RUNNING);
    assertThat(running.step(stepId).attempt()).isEqualTo(1);
    assertThat(complete.step(stepId))
        .usingRecursiveComparison()
        .isEqualTo(stores.runs().findStepVersionToPlan(stepId).orElseThrow());
    assertThat(reads).doesNotContainKey("findStepProgress");
  }

  @Test
  void two_changes_told_out_of_order_before_planning_read_the_step() {
    var reads = new ConcurrentHashMap<String, Integer>();
    var cache = new RunCache(counting(stores.runs(), reads));
    cache.current(runId).orElseThrow();
    var claimed = claim();
    var completed = complete();

    cache.stepChanged(runId, stepId, completed); // the completion's thread was the quicker
    cache.stepChanged(runId, stepId, claimed);
    var planned = cache.current(runId).orElseThrow();

    assertThat(planned.step(stepId).status()).isEqualTo(StepStatus.COMPLETE);
    assertThat(reads).containsEntry("findStepProgress", 1);
  }

  /** Claims the step at attempt 1, as node-a, in the store: its progress as the claim left it. */
  private StepProgress claim() {
    return stores.runs().claimStepWithProgress(stepId, 0, "node-a", List.of(), NOW).orElseThrow();
  }

  /** Completes attempt 1 in the store: the step's progress as the completion left it. */
  private StepProgress complete() {
    return stores
        .runs()
        .completeStepWithProgress(
            new StepCompletion(stepId, 1, StepStatus.COMPLETE, List.of(), null, null, null, NOW))
        .orElseThrow();
  }

  /** The store, counting in {@code calls} how often each of its methods is called. */
  private static RunStore counting(RunStore real, Map<String, Integer> calls) {
    return afterEachCall(real, method -> calls.merge(method, 1, Integer::sum));
  }

  /** The store, telling {@code after} the name of each of its methods once the call returned. */
  private static RunStore afterEachCall(RunStore real, Consumer<String> after) {
    return (RunStore)
        Proxy.newProxyInstance(
            RunStore.class.getClassLoader(),
            new Class<?>[] {RunStore.class},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              after.accept(method.getName());
              return result;
            });
  }

  /**
   * A cache over the store, except that the store's first whole read of the run is followed, before
   * it returns, by a claim of the step committed by someone else, who then marks the step changed
   * in the cache, as the launcher does.
   */
  private RunCache cacheOverAStoreThatChangesTheStepAfterTheFirstWholeRead() {
    RunStore real = stores.runs();
    RunCache[] cache = new RunCache[1];
    boolean[] changed = {false};
    RunStore store =
        afterEachCall(
            real,
            method -> {
              if (method.equals("findVersionToPlan") && !changed[0]) {
                changed[0] = true;
                assertThat(real.claimStep(stepId, 0, "node-b", List.of(), NOW)).isTrue();
                cache[0].stepChanged(runId, stepId, null);
              }
            });
    cache[0] = new RunCache(store);
    return cache[0];
  }
}
