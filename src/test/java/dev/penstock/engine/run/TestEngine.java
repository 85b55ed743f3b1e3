package dev.penstock.engine.run;

import dev.penstock.engine.artifact.ValueLimits;
import dev.penstock.engine.attempt.Lease;
import dev.penstock.engine.attempt.RunKeys;
import dev.penstock.engine.attempt.StepLauncher;
import dev.penstock.engine.attempt.Workspace;
import dev.penstock.engine.definition.Definitions;
import dev.penstock.engine.definition.StepSpec;
import dev.penstock.executor.PythonInspector;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.VariableType;
import dev.penstock.store.LogStore;
import dev.penstock.store.RunEvents;
import dev.penstock.store.RunStore;
import dev.penstock.store.files.LocalArtifactFiles;
import dev.penstock.store.jdbc.JdbcStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The engine as the engine's tests wire it: a real SQLite file in {@code dataDir}, the test's
 * executor and clock, a definitions service that takes any source as parsed, and the registry the
 * engine's meters are in. Nothing is started.
 */
public record TestEngine(
    JdbcStores stores,
    StepLauncher launcher,
    Scheduler scheduler,
    Definitions definitions,
    Runs runs,
    SimpleMeterRegistry meters) {
  private static final PythonInspector ANY_SOURCE_PARSES =
      (source, function) -> new PythonInspector.Inspection(null, null, true, List.of(), true);

  public static TestEngine open(
      Path dataDir, ScriptedExecutor executor, InstantSource clock, int parallelLimit) {
    return open(dataDir, executor, clock, parallelLimit, UnaryOperator.identity());
  }

  /**
   * As {@link #open(Path, ScriptedExecutor, InstantSource, int)}, the engine using the run store
   * {@code wrap} makes of the real one ({@link FailingRunStore}, say); {@link #stores()} stays
   * real.
   */
  public static TestEngine open(
      Path dataDir,
      ScriptedExecutor executor,
      InstantSource clock,
      int parallelLimit,
      UnaryOperator<RunStore> wrap) {
    return openOn(
        "jdbc:sqlite:" + dataDir.resolve("penstock.db"),
        dataDir,
        executor,
        clock,
        parallelLimit,
        wrap,
        Lease.forever());
  }

  /**
   * As {@link #open(Path, ScriptedExecutor, InstantSource, int, UnaryOperator)}, on the database
   * {@code jdbcUrl} names (several engines on one PostgreSQL database stand for servers that share
   * it), its launcher claiming steps while it holds {@code lease}.
   */
  public static TestEngine openOn(
      String jdbcUrl,
      Path dataDir,
      ScriptedExecutor executor,
      InstantSource clock,
      int parallelLimit,
      UnaryOperator<RunStore> wrap,
      Lease lease) {
    var registry = new SimpleMeterRegistry();
    var stores = JdbcStores.open(jdbcUrl, null, null, registry);
    RunStore runStore = wrap.apply(stores.runs());
    var launcher =
        new StepLauncher(
            runStore,
            new LocalArtifactFiles(new Workspace(dataDir)::runDir),
            LogStore.NONE,
            executor,
            new Workspace(dataDir),
            new RunKeys(new byte[32]),
            clock,
            new StepLauncher.Settings(
                "node-a",
                () -> "http://127.0.0.1:1",
                parallelLimit,
                List.of(),
                ValueLimits.DEFAULT,
                lease,
                Long.MAX_VALUE),
            registry);
    var scheduler =
        new Scheduler(runStore, launcher, new RunWaits(runStore), RunEvents.NONE, clock, registry);
    return new TestEngine(
        stores,
        launcher,
        scheduler,
        new Definitions(stores.pipelines(), ANY_SOURCE_PARSES, clock),
        new Runs(stores.pipelines(), stores.modules(), runStore, scheduler, clock),
        registry);
  }

  /**
   * A new pipeline named {@code name} whose steps run one after another, each taking the one
   * before's output as its input {@code v}; every step runs {@code def f(**kwargs): return 1}.
   */
  public String chainPipeline(String name, String... steps) {
    String pipelineId = definitions.createPipeline(name, null, null, false).id();
    String previous = null;
    for (String step : steps) {
      var inputs =
          previous == null
              ? List.<InputMapping>of()
              : List.of(
                  new InputMapping(
                      "v", VariableType.INTEGER, true, null, "out_" + previous, null, null, null));
      definitions.createStep(
          pipelineId,
          step,
          new StepSpec(
              "f",
              "def f(**kwargs):\n    return 1\n",
              inputs,
              List.of(new OutputMapping("out_" + step, VariableType.INTEGER, null, null, null)),
              previous == null ? List.of() : List.of(previous),
              null,
              null,
              null,
              null));
      previous = step;
    }
    return pipelineId;
  }
}
