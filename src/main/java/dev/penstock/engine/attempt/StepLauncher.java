package dev.penstock.engine.attempt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.engine.definition.RetrySpec;
import dev.penstock.executor.StepExecutor;
import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.RunStore;
import dev.penstock.store.StepCompletion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt of a step: binds its inputs, claims it (the claim commits before the process
 * starts), launches it, and records its outcome fenced by the attempt. Thread-safe.
 */
public final class StepLauncher {
  private static final Logger log = LoggerFactory.getLogger(StepLauncher.class);

  /** What the launcher needs to know of the server it runs in. */
  public record Settings(String nodeId, Supplier<String> serverUrl, int parallelLimit) {}

  /** Keyed by step version and attempt: a superseded attempt may still run beside its successor. */
  private record AttemptKey(String stepVersionId, int attempt) {}

  private final RunStore runs;
  private final StepExecutor executor;
  private final Workspace workspace;
  private final RunKeys runKeys;
  private final InstantSource clock;
  private final Settings settings;
  private final Slots slots;
  private final InputBinder inputBinder = new InputBinder();
  private final OutputBinder outputBinder = new OutputBinder();
  private final Map<AttemptKey, StepHandle> running = new ConcurrentHashMap<>();
  private volatile Consumer<String> onStepEnded = runId -> {};
  private volatile BiConsumer<String, String> stepChanged = (runId, stepVersionId) -> {};
  private volatile Consumer<String> runChangedElsewhere = runId -> {};
  private volatile boolean shuttingDown;

  public StepLauncher(
      RunStore runs,
      StepExecutor executor,
      Workspace workspace,
      RunKeys runKeys,
      InstantSource clock,
      Settings settings) {
    this.runs = runs;
    this.executor = executor;
    this.workspace = workspace;
    this.runKeys = runKeys;
    this.clock = clock;
    this.settings = settings;
    this.slots = new Slots(settings.parallelLimit());
  }

  public Slots slots() {
    return slots;
  }

  public void onStepEnded(Consumer<String> listener) {
    this.onStepEnded = listener;
  }

  /**
   * Who to tell when this launcher changed a step in the store (run id, step version id), and which
   * run to read whole again when a guarded write found the step changed by someone else.
   */
  public void onStepChanged(BiConsumer<String, String> changed, Consumer<String> refresh) {
    this.stepChanged = changed;
    this.runChangedElsewhere = refresh;
  }

  /**
   * Starts the step on the slots the caller took, binding its inputs from {@code scope} (the part
   * of the run's scope they read); every path gives the slots back.
   */
  public void start(
      PipelineVersion version, StepVersion step, Map<String, JsonNode> scope, int weight) {
    var binding = inputBinder.bind(step, scope);
    // A failed binding keeps what the store holds; the planner's copy of the step lacks it.
    var bound =
        binding.failed()
            ? runs.findStepVersion(step.id()).map(StepVersion::boundInputs).orElse(null)
            : binding.bound();
    if (!runs.claimStep(step.id(), step.attempt(), settings.nodeId(), bound, clock.instant())) {
      runChangedElsewhere.accept(version.id());
      release(version.id(), weight);
      return;
    }
    stepChanged.accept(version.id(), step.id());
    int attempt = step.attempt() + 1;
    if (binding.failed()) {
      record(version.id(), fail(step, attempt, FailureCause.BAD_INPUT, binding.error()));
      release(version.id(), weight);
      return;
    }
    Thread.ofVirtual()
        .name("launch-" + step.id())
        .start(() -> launch(version, step, attempt, weight, binding.kwargs()));
  }

  private void launch(
      PipelineVersion version,
      StepVersion step,
      int attempt,
      int weight,
      Map<String, JsonNode> kwargs) {
    StepHandle handle;
    try {
      var dir = workspace.workDir(version.id(), step.id(), attempt);
      var logFile = workspace.logFile(version.id(), step.id(), attempt);
      Files.createDirectories(dir);
      Files.createDirectories(logFile.getParent());
      if (attempt > 1) {
        writeAttemptNote(step, attempt, logFile);
      }
      writeModules(step, dir);
      var environment =
          Map.of(
              "ABACUS_API_KEY", runKeys.keyFor(version.id()),
              "ABACUS_API_SERVER", settings.serverUrl().get(),
              "ABACUS_PIPELINE_ID", version.pipelineId(),
              "PENSTOCK_PIPELINE_VERSION", version.id(),
              "PENSTOCK_STEP_NAME", step.stepName(),
              "PYTHONPATH", modulesDir(dir).toString());
      handle =
          executor.launch(
              new StepLaunch(
                  step.id(),
                  attempt,
                  dir,
                  logFile,
                  step.functionName(),
                  step.sourceCode(),
                  kwargs,
                  step.packageRequirements(),
                  step.memoryGb(),
                  Duration.ofMinutes(step.timeoutMinutes()),
                  environment));
    } catch (IOException | RuntimeException e) {
      log.error("Could not launch step version {} attempt {}", step.id(), attempt, e);
      record(
          version.id(),
          fail(
              step,
              attempt,
              FailureCause.LAUNCH_FAILED,
              "could not launch the step: " + e.getMessage()));
      release(version.id(), weight);
      return;
    }
    running.put(new AttemptKey(step.id(), attempt), handle);
    handle.outcome().thenAccept(outcome -> finished(version.id(), step, attempt, weight, outcome));
  }

  private void finished(
      String runId, StepVersion step, int attempt, int weight, StepOutcome outcome) {
    try {
      running.remove(new AttemptKey(step.id(), attempt));
      if (!shuttingDown) {
        var completion = completion(step, attempt, outcome);
        var retryDelay =
            completion.status() == StepStatus.FAILED
                ? RetrySpec.retryDelay(step.retry(), step.failures(), completion.cause())
                : Optional.<Duration>empty();
        if (retryDelay.isPresent()) {
          retry(step, completion, retryDelay.get());
        } else {
          record(runId, completion);
        }
      }
    } catch (RuntimeException e) {
      log.error(
          "Could not record the outcome of step version {} attempt {}", step.id(), attempt, e);
    } finally {
      release(runId, weight);
    }
  }

  /** Schedules the next attempt of a failed one; the reason goes to the log and the history. */
  private void retry(StepVersion step, StepCompletion failed, Duration delay) {
    int retry = step.failures() + 1;
    String reason =
        "retry %d of %d after attempt %d failed: %s"
            .formatted(retry, step.retry().retries(), failed.attempt(), firstLine(failed.error()));
    if (!runs.retryStep(failed, failed.at().plus(delay), reason)) {
      runChangedElsewhere.accept(step.pipelineVersionId());
      log.info(
          "Dropped the failure of step version {} attempt {}: the attempt was superseded",
          step.id(),
          failed.attempt());
      return;
    }
    stepChanged.accept(step.pipelineVersionId(), step.id());
    appendToLog(
        workspace.logFile(step.pipelineVersionId(), step.id(), failed.attempt()),
        "[penstock] attempt %d failed; retry %d of %d starts in %.1f s%n"
            .formatted(failed.attempt(), retry, step.retry().retries(), delay.toMillis() / 1000.0));
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "no error text";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  private static void appendToLog(Path logFile, String line) {
    try {
      Files.writeString(
          logFile,
          line,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      log.warn("Could not append to {}: {}", logFile, e.getMessage());
    }
  }

  /**
   * Stops an attempt this node runs, if it runs it: its step was cancelled or reset. Whatever the
   * process reports afterwards is fenced off, since the step is no longer RUNNING at that attempt.
   */
  public void stopAttempt(String stepVersionId, int attempt, FailureCause cause, String why) {
    StepHandle handle = running.get(new AttemptKey(stepVersionId, attempt));
    if (handle != null) {
      handle.stop(cause, why);
    }
  }

  private StepCompletion completion(StepVersion step, int attempt, StepOutcome outcome) {
    if (!outcome.succeeded()) {
      return fail(step, attempt, outcome.cause(), outcome.error());
    }
    var outputs = outputBinder.bind(step.outputs(), outcome.returned());
    if (outputs.failed()) {
      return new StepCompletion(
          step.id(),
          attempt,
          StepStatus.FAILED,
          null,
          outputs.errors(),
          "Invalid outputs: " + outputs.errors(),
          FailureCause.OUTPUT_ERROR,
          clock.instant());
    }
    return new StepCompletion(
        step.id(),
        attempt,
        StepStatus.COMPLETE,
        outputs.values(),
        null,
        null,
        null,
        clock.instant());
  }

  private StepCompletion fail(StepVersion step, int attempt, FailureCause cause, String error) {
    return new StepCompletion(
        step.id(),
        attempt,
        StepStatus.FAILED,
        null,
        cause == FailureCause.OUTPUT_ERROR ? error : null,
        error,
        cause,
        clock.instant());
  }

  private void record(String runId, StepCompletion completion) {
    if (runs.completeStep(completion)) {
      stepChanged.accept(runId, completion.stepVersionId());
    } else {
      log.info(
          "Dropped the result of step version {} attempt {}: the attempt was superseded",
          completion.stepVersionId(),
          completion.attempt());
      runChangedElsewhere.accept(runId);
    }
  }

  private void release(String runId, int weight) {
    String head = slots.release(weight);
    onStepEnded.accept(runId);
    if (head != null && !head.equals(runId)) {
      onStepEnded.accept(head);
    }
  }

  private void writeAttemptNote(StepVersion step, int attempt, Path logFile) throws IOException {
    // The newest return to PENDING says why the previous attempt did not finish.
    String reason = null;
    for (var change : runs.history(step.id())) {
      if (change.status().equals("PENDING")
          && change.attempt() == attempt - 1
          && change.reason() != null) {
        reason = change.reason();
      }
    }
    String note =
        "[penstock] attempt %d of step '%s' starts%s%n"
            .formatted(attempt, step.stepName(), reason == null ? "" : ": " + reason);
    Files.writeString(
        logFile,
        note,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
  }

  /** The run's snapshot of the modules the step imports, as files its Python finds on its path. */
  private static void writeModules(StepVersion step, Path workDir) throws IOException {
    Path folder = modulesDir(workDir);
    Files.createDirectories(folder);
    if (step.modules() == null) {
      return;
    }
    for (var module : step.modules().entrySet()) {
      Files.writeString(folder.resolve(module.getKey() + ".py"), module.getValue());
    }
  }

  private static Path modulesDir(Path workDir) {
    return workDir.resolve("modules");
  }

  /** Number of attempts this node is running now. */
  public int runningCount() {
    return running.size();
  }

  /**
   * Stops every attempt this node runs and puts each step back to PENDING, so that the next server
   * start runs it again from the beginning. Used on a clean shutdown.
   */
  public void shutdown() {
    shuttingDown = true;
    for (var entry : running.entrySet()) {
      AttemptKey key = entry.getKey();
      runs.requeueStep(
          key.stepVersionId(),
          key.attempt(),
          "the server shut down while attempt " + key.attempt() + " was running",
          clock.instant());
      entry.getValue().stop(FailureCause.WORKER_LOST, "the server shut down");
    }
  }
}
