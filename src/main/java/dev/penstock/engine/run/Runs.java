package dev.penstock.engine.run;

import dev.penstock.engine.definition.Definitions;
import dev.penstock.engine.definition.Ids;
import dev.penstock.engine.definition.ModuleImports;
import dev.penstock.engine.definition.SourceCheck;
import dev.penstock.model.InputMapping;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.PythonModule;
import dev.penstock.model.RunStatus;
import dev.penstock.model.RunTrigger;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.ModuleStore;
import dev.penstock.store.PipelineStore;
import dev.penstock.store.RunStore;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;

/** Starts runs: runPipeline snapshots the definition and returns at once. Thread-safe. */
public final class Runs {
  private final PipelineStore pipelines;
  private final ModuleStore modules;
  private final RunStore runs;
  private final Scheduler scheduler;
  private final InstantSource clock;

  public Runs(
      PipelineStore pipelines,
      ModuleStore modules,
      RunStore runs,
      Scheduler scheduler,
      InstantSource clock) {
    this.pipelines = pipelines;
    this.modules = modules;
    this.runs = runs;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /**
   * Stores a PENDING version that snapshots every step (code, the modules it imports, mappings,
   * dependencies, limits) and the pipeline's variables overlaid by {@code runVariables}, then wakes
   * the scheduler. The version is committed before this returns.
   */
  public PipelineVersion run(String pipelineId, List<InputMapping> runVariables) {
    return run(pipelineId, runVariables, RunTrigger.MANUAL);
  }

  /** As {@link #run(String, List)}, saying what started the run (a schedule, say). */
  public PipelineVersion run(
      String pipelineId, List<InputMapping> runVariables, RunTrigger trigger) {
    Definitions.requireName(pipelineId, "pipelineId");
    var pipeline =
        pipelines
            .findPipeline(pipelineId)
            .orElseThrow(() -> new NotFoundException("Pipeline not found: " + pipelineId));
    if (runVariables != null) {
      SourceCheck.checkMappings(runVariables, List.of());
    }
    List<PipelineStep> steps = pipelines.listSteps(pipelineId);
    if (steps.isEmpty()) {
      throw new InvalidParameterException("Pipeline '" + pipeline.name() + "' has no steps to run");
    }
    var variables = new LinkedHashMap<String, InputMapping>();
    pipeline.variables().forEach(variable -> variables.put(variable.name(), variable));
    if (runVariables != null) {
      runVariables.forEach(variable -> variables.put(variable.name(), variable));
    }
    var knownModules = new HashMap<String, PythonModule>();
    modules.listModules().forEach(module -> knownModules.put(module.name(), module));
    var now = clock.instant();
    String versionId = Ids.newId();
    var stepVersions = new ArrayList<StepVersion>();
    int position = 0;
    for (PipelineStep step : steps) {
      var function = step.function();
      stepVersions.add(
          new StepVersion(
              Ids.newId(),
              versionId,
              pipelineId,
              step.id(),
              step.name(),
              position++,
              function.id(),
              function.functionName(),
              function.sourceCode(),
              function.inputs(),
              function.outputs(),
              step.dependencies(),
              function.packageRequirements(),
              ModuleImports.of(function.sourceCode(), knownModules::get),
              step.cpuSize(),
              step.memoryGb(),
              step.timeoutMinutes(),
              step.retry(),
              StepStatus.PENDING,
              0,
              null,
              null,
              null,
              null,
              null,
              null,
              0,
              null,
              now,
              now,
              null,
              null));
    }
    var version =
        new PipelineVersion(
            versionId,
            pipelineId,
            pipeline.name(),
            RunStatus.PENDING,
            null,
            trigger,
            List.copyOf(variables.values()),
            now,
            now,
            null,
            null,
            stepVersions,
            pipeline.isolation(),
            pipeline.placement());
    runs.createVersion(version);
    scheduler.wake(versionId);
    return version;
  }
}
