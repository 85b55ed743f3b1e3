package dev.penstock.engine.definition;

import dev.penstock.executor.PythonInspector;
import dev.penstock.model.AlreadyExistsException;
import dev.penstock.model.InputMapping;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.Isolation;
import dev.penstock.model.MissingParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.PythonFunction;
import dev.penstock.model.StepPlacement;
import dev.penstock.store.PipelineStore;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Writes pipeline definitions: pipelines and their steps. Every input is validated before anything
 * is written, so a rejected request changes nothing. Thread-safe.
 */
public final class Definitions {
  private final PipelineStore store;
  private final SourceCheck sourceCheck;
  private final InstantSource clock;

  public Definitions(PipelineStore store, PythonInspector inspector, InstantSource clock) {
    this.store = store;
    this.sourceCheck = new SourceCheck(inspector);
    this.clock = clock;
  }

  public Pipeline createPipeline(String name, String projectId, String cron, Boolean isProd) {
    return createPipeline(name, projectId, cron, isProd, null, null, null, null);
  }

  /**
   * {@code maxConcurrentRuns}: null or 0 for no limit. {@code isolation}: run, step or process;
   * null for the server's default. {@code executor}: local or kubernetes, and {@code stepImage}: a
   * container image reference; each null for the server's.
   */
  public Pipeline createPipeline(
      String name,
      String projectId,
      String cron,
      Boolean isProd,
      Integer maxConcurrentRuns,
      String isolation,
      String executor,
      String stepImage) {
    requireName(name, "pipelineName");
    Integer limit = PipelineExtensions.concurrencyLimit(maxConcurrentRuns, null);
    Isolation level = PipelineExtensions.isolation(isolation, null);
    StepPlacement placement =
        PipelineExtensions.placement(executor, stepImage, StepPlacement.DEFAULT);
    var schedule = cron == null ? null : CronSchedule.parse(cron);
    if (store.findPipelineByName(name).isPresent()) {
      throw new AlreadyExistsException("A pipeline named '" + name + "' already exists");
    }
    var now = clock.instant();
    var pipeline =
        new Pipeline(
            Ids.newId(),
            name,
            projectId,
            schedule == null ? null : schedule.expression(),
            Boolean.TRUE.equals(isProd),
            List.of(),
            limit,
            now,
            now,
            false,
            schedule == null ? null : schedule.nextAfter(now),
            level,
            placement);
    store.createPipeline(pipeline);
    return pipeline;
  }

  /**
   * Changes the fields given (null leaves one unchanged). A new cron restarts the schedule's timing
   * from now (a paused schedule stays paused); the same cron again changes nothing. Runs under way
   * keep the isolation and the placement they started with.
   */
  public Pipeline updatePipeline(
      String pipelineId,
      String projectId,
      List<InputMapping> variables,
      String cron,
      Boolean isProd,
      Integer maxConcurrentRuns,
      String isolation,
      String executor,
      String stepImage) {
    var current = pipeline(pipelineId);
    Isolation level = PipelineExtensions.isolation(isolation, current.isolation());
    StepPlacement placement =
        PipelineExtensions.placement(executor, stepImage, current.placement());
    if (variables != null) {
      SourceCheck.checkMappings(variables, List.of());
    }
    Integer limit =
        PipelineExtensions.concurrencyLimit(maxConcurrentRuns, current.maxConcurrentRuns());
    var schedule = cron == null ? null : CronSchedule.parse(cron);
    var now = clock.instant();
    var updated =
        new Pipeline(
            current.id(),
            current.name(),
            projectId != null ? projectId : current.projectId(),
            current.cron(),
            isProd != null ? isProd : current.isProd(),
            variables != null ? List.copyOf(variables) : current.variables(),
            limit,
            current.createdAt(),
            now,
            current.schedulePaused(),
            current.nextRunAt(),
            level,
            placement);
    store.updatePipeline(updated);
    if (schedule != null && !schedule.expression().equals(current.cron())) {
      var next = current.schedulePaused() ? null : schedule.nextAfter(now);
      store.setSchedule(pipelineId, schedule.expression(), current.schedulePaused(), next, now);
    }
    return pipeline(pipelineId);
  }

  public Pipeline renamePipeline(String pipelineId, String newName) {
    requireName(newName, "pipelineName");
    var current = pipeline(pipelineId);
    store
        .findPipelineByName(newName)
        .filter(other -> !other.id().equals(pipelineId))
        .ifPresent(
            other -> {
              throw new AlreadyExistsException("A pipeline named '" + newName + "' already exists");
            });
    var renamed =
        new Pipeline(
            current.id(),
            newName,
            current.projectId(),
            current.cron(),
            current.isProd(),
            current.variables(),
            current.maxConcurrentRuns(),
            current.createdAt(),
            clock.instant(),
            current.schedulePaused(),
            current.nextRunAt(),
            current.isolation(),
            current.placement());
    store.updatePipeline(renamed);
    return pipeline(pipelineId);
  }

  public void deletePipeline(String pipelineId) {
    if (!store.deletePipeline(pipelineId)) {
      throw new NotFoundException("Pipeline not found: " + pipelineId);
    }
  }

  public PipelineStep createStep(String pipelineId, String stepName, StepSpec spec) {
    requireName(stepName, "stepName");
    var pipeline = pipeline(pipelineId);
    // Names and dependencies only: each step added re-reading every step whole made defining n
    // steps cost n² rows of code and mappings.
    var graph = store.stepDependencies(pipelineId);
    if (graph.containsKey(stepName)) {
      throw new AlreadyExistsException(
          "Pipeline '" + pipeline.name() + "' already has a step named '" + stepName + "'");
    }
    var step = NewSteps.build(pipelineId, stepName, spec, clock.instant());
    sourceCheck.check(spec.sourceCode(), spec.functionName(), step.function().inputs());
    StepGraph.check(graph, stepName, step.dependencies());
    store.createStep(step);
    return step;
  }

  /** A step to add with {@link #createSteps}: its name and the rest as createStep takes them. */
  public record NewStep(String name, StepSpec spec) {}

  /**
   * Adds many steps at once (the createPipelineSteps extension), all or none: every step is checked
   * as createStep checks it, and their dependencies as one graph with the pipeline's steps, before
   * any is stored, in one transaction. A step whose name the pipeline has already, defined the
   * same, is left as it is, so the same call made twice adds nothing the second time; one defined
   * otherwise fails the call. A source shared by many steps is inspected once. Returns the steps
   * added.
   */
  public List<PipelineStep> createSteps(String pipelineId, List<NewStep> wanted) {
    var pipeline = pipeline(pipelineId);
    var existing = new LinkedHashMap<String, PipelineStep>();
    store.listSteps(pipelineId).forEach(step -> existing.put(step.name(), step));
    var now = clock.instant();
    var added = new ArrayList<PipelineStep>();
    var names = new LinkedHashSet<String>();
    var inspected = new HashSet<List<Object>>();
    for (NewStep next : wanted) {
      requireName(next.name(), "stepName");
      if (!names.add(next.name())) {
        throw new InvalidParameterException(
            "steps holds more than one step named '" + next.name() + "'");
      }
      PipelineStep step;
      try {
        step = NewSteps.build(pipelineId, next.name(), next.spec(), now);
      } catch (InvalidParameterException e) {
        throw new InvalidParameterException("step '" + next.name() + "': " + e.getMessage());
      }
      PipelineStep old = existing.get(next.name());
      if (old != null) {
        if (!NewSteps.sameDefinition(old, step)) {
          throw new AlreadyExistsException(
              "Pipeline '%s' already has a step named '%s', defined otherwise; no step was added"
                  .formatted(pipeline.name(), next.name()));
        }
        continue;
      }
      var function = step.function();
      var inputNames = function.inputs().stream().map(InputMapping::name).toList();
      if (inspected.add(
          Arrays.asList(function.sourceCode(), function.functionName(), inputNames))) {
        try {
          sourceCheck.check(function.sourceCode(), function.functionName(), function.inputs());
        } catch (InvalidParameterException e) {
          throw new InvalidParameterException("step '" + next.name() + "': " + e.getMessage());
        }
      }
      added.add(step);
    }
    StepGraph.check(existing.values(), added);
    store.createSteps(added);
    return added;
  }

  public PipelineStep updateStep(String stepId, StepSpec spec) {
    var current = step(stepId);
    var function = current.function();
    var inputs = spec.inputs() != null ? List.copyOf(spec.inputs()) : function.inputs();
    var outputs = spec.outputs() != null ? List.copyOf(spec.outputs()) : function.outputs();
    String source = spec.sourceCode() != null ? spec.sourceCode() : function.sourceCode();
    String functionName =
        spec.functionName() != null ? spec.functionName() : function.functionName();
    SourceCheck.checkMappings(inputs, outputs);
    sourceCheck.check(source, functionName, inputs);
    var dependencies =
        spec.dependencies() != null
            ? NewSteps.distinct(spec.dependencies())
            : current.dependencies();
    var others = new ArrayList<>(store.listSteps(current.pipelineId()));
    others.removeIf(step -> step.id().equals(stepId));
    StepGraph.check(others, current.name(), dependencies);
    var now = clock.instant();
    var updatedFunction =
        new PythonFunction(
            function.id(),
            function.name(),
            functionName,
            source,
            function.functionType(),
            inputs,
            outputs,
            spec.packageRequirements() != null
                ? List.copyOf(spec.packageRequirements())
                : function.packageRequirements(),
            function.description(),
            function.examples(),
            function.connectors(),
            function.timeoutSeconds(),
            function.ownerStepId(),
            function.createdAt(),
            now);
    var updated =
        new PipelineStep(
            current.id(),
            current.pipelineId(),
            current.name(),
            updatedFunction,
            dependencies,
            StepLimits.cpuSize(spec.cpuSize(), current.cpuSize()),
            StepLimits.memory(spec.memoryGb(), current.memoryGb()),
            StepLimits.timeout(spec.timeoutMinutes(), current.timeoutMinutes()),
            RetrySpec.merge(spec, current.retry()),
            current.createdAt(),
            now);
    store.updateStep(updated);
    return updated;
  }

  /** Renames a step and the dependencies that name it, so the DAG keeps its shape. */
  public PipelineStep renameStep(String stepId, String newName) {
    requireName(newName, "stepName");
    var current = step(stepId);
    var steps = store.listSteps(current.pipelineId());
    if (steps.stream().anyMatch(step -> step.name().equals(newName) && !step.id().equals(stepId))) {
      throw new AlreadyExistsException("The pipeline already has a step named '" + newName + "'");
    }
    var now = clock.instant();
    for (PipelineStep other : steps) {
      if (other.dependencies().contains(current.name())) {
        var deps =
            other.dependencies().stream().map(d -> d.equals(current.name()) ? newName : d).toList();
        store.updateStep(withDependencies(other, deps, now));
      }
    }
    var renamed =
        new PipelineStep(
            current.id(),
            current.pipelineId(),
            newName,
            current.function(),
            current.dependencies(),
            current.cpuSize(),
            current.memoryGb(),
            current.timeoutMinutes(),
            current.retry(),
            current.createdAt(),
            now);
    store.updateStep(renamed);
    return renamed;
  }

  /**
   * Deletes a step; steps that depended on it no longer do (a run already started keeps its
   * snapshot).
   */
  public void deleteStep(String stepId) {
    var current = step(stepId);
    var now = clock.instant();
    for (PipelineStep other : store.listSteps(current.pipelineId())) {
      if (other.dependencies().contains(current.name())) {
        var deps = other.dependencies().stream().filter(d -> !d.equals(current.name())).toList();
        store.updateStep(withDependencies(other, deps, now));
      }
    }
    store.deleteStep(stepId);
  }

  private static PipelineStep withDependencies(PipelineStep step, List<String> deps, Instant now) {
    return new PipelineStep(
        step.id(),
        step.pipelineId(),
        step.name(),
        step.function(),
        deps,
        step.cpuSize(),
        step.memoryGb(),
        step.timeoutMinutes(),
        step.retry(),
        step.createdAt(),
        now);
  }

  private Pipeline pipeline(String pipelineId) {
    requireName(pipelineId, "pipelineId");
    return store
        .findPipeline(pipelineId)
        .orElseThrow(() -> new NotFoundException("Pipeline not found: " + pipelineId));
  }

  private PipelineStep step(String stepId) {
    requireName(stepId, "pipelineStepId");
    return store
        .findStep(stepId)
        .orElseThrow(() -> new NotFoundException("Pipeline step not found: " + stepId));
  }

  public static void requireName(String value, String parameter) {
    if (value == null || value.isBlank()) {
      throw new MissingParameterException(parameter + " is required");
    }
  }
}
