package dev.penstock.web.run;

import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.RunTrigger;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepStatus;
import dev.penstock.store.RunOverview;
import dev.penstock.store.StepProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run held in memory, read as {@link RunOverview} reads the store: the steps changed at or
 * after a time, in position order. A test changes steps and the run's status as the engine would.
 * Not thread-safe.
 */
final class FakeRunOverview implements RunOverview {
  static final String RUN = "run-1";

  private final Map<String, StepProgress> steps = new LinkedHashMap<>();
  private PipelineVersion run;
  int progressReads;

  FakeRunOverview(Instant createdAt, String... stepIds) {
    run = version(RunStatus.RUNNING, createdAt);
    int position = 0;
    for (String id : stepIds) {
      steps.put(
          id,
          new StepProgress(
              id, "step " + id, position++, StepStatus.PENDING, 0, 0, null, null, createdAt));
    }
  }

  /** Moves a step to {@code status} at {@code at}, as a claim or a completion would. */
  void step(String id, StepStatus status, Instant at) {
    StepProgress old = steps.get(id);
    int attempt = status == StepStatus.RUNNING ? old.attempt() + 1 : old.attempt();
    Instant started = status == StepStatus.RUNNING ? at : old.startedAt();
    Instant completed = status.terminal() ? at : old.completedAt();
    steps.put(
        id,
        new StepProgress(
            id, old.stepName(), old.position(), status, attempt, 0, started, completed, at));
  }

  void run(RunStatus status, Instant at) {
    run = version(status, at);
  }

  private PipelineVersion version(RunStatus status, Instant at) {
    Instant created = run == null ? at : run.createdAt();
    return new PipelineVersion(
        RUN,
        "pipeline-1",
        "pipeline",
        status,
        null,
        RunTrigger.MANUAL,
        List.of(),
        created,
        at,
        created,
        status.terminal() ? at : null,
        List.of(),
        null);
  }

  PipelineVersion run() {
    return run;
  }

  StepProgress progress(String id) {
    return steps.get(id);
  }

  List<StepProgress> all() {
    return List.copyOf(steps.values());
  }

  @Override
  public Optional<PipelineVersion> version(String pipelineVersionId) {
    return RUN.equals(pipelineVersionId) ? Optional.of(run) : Optional.empty();
  }

  @Override
  public List<StepProgress> stepProgress(String pipelineVersionId, Instant since) {
    progressReads++;
    var changed = new ArrayList<StepProgress>();
    for (StepProgress step : steps.values()) {
      if (since == null || !step.updatedAt().isBefore(since)) {
        changed.add(step);
      }
    }
    return changed;
  }

  @Override
  public List<PipelineVersion> versions(String pipelineId, int offset, int limit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int versionCount(String pipelineId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<String, PipelineVersion> latestVersions() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<String, Integer> stepCounts() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<String, List<String>> stepDependencies(String pipelineVersionId) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<String, List<StepAttempt>> attemptSpans(
      String pipelineVersionId, Collection<String> stepVersionIds) {
    throw new UnsupportedOperationException();
  }

  @Override
  public List<String> stepNames(Collection<String> pipelineVersionIds, int offset, int limit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public int stepNameCount(Collection<String> pipelineVersionIds) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Map<String, List<StepProgress>> stepProgressByVersion(
      Collection<String> pipelineVersionIds, Collection<String> stepNames) {
    throw new UnsupportedOperationException();
  }
}
