package dev.penstock.engine.attempt;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.engine.artifact.InputFiles;
import dev.penstock.engine.artifact.ValueLimits;
import dev.penstock.executor.StepExecutor;
import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepProgress;
import dev.penstock.model.StepVersion;
import dev.penstock.store.ArtifactFiles;
import dev.penstock.store.LogStore;
import dev.penstock.store.RunStore;
import dev.penstock.store.RunningAttempt;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one attempt of a step: binds its inputs, claims it (the claim commits before the process
 * starts), launches it, and has its outcome recorded fenced by the attempt. It tracks each attempt
 * from before its claim until its outcome is in the store, so that the sweeper can tell a claim
 * this node holds but lost (an orphan) from one it is working on. Slots taken for a step are given
 * back on every path. Each attempt's slot wait, dispatch latency and duration go to {@link
 * StepMeters}. Thread-safe.
 */
public final class StepLauncher {
  private static final Logger log = LoggerFactory.getLogger(StepLauncher.class);

  /**
   * What the launcher needs to know of the server it runs in; {@code stepRequirements} are pip
   * requirements every step gets besides its own (the SDK, say); it claims steps only while the
   * server holds its {@code lease}; of a log shipped to the database, the last {@code logCapBytes}
   * stay.
   */
  public record Settings(
      String nodeId,
      Supplier<String> serverUrl,
      int parallelLimit,
      List<String> stepRequirements,
      ValueLimits valueLimits,
      Lease lease,
      long logCapBytes) {
    public Settings {
      stepRequirements = List.copyOf(stepRequirements);
    }

    public Settings(String nodeId, Supplier<String> serverUrl, int parallelLimit) {
      this(
          nodeId,
          serverUrl,
          parallelLimit,
          List.of(),
          ValueLimits.DEFAULT,
          Lease.forever(),
          Long.MAX_VALUE);
    }
  }

  /** What a launch holds once its step is claimed; the times are {@link System#nanoTime}. */
  private record Claim(int attempt, int weight, long readyNanos, long claimedNanos) {}

  private final RunStore runs;
  private final StepExecutor executor;
  private final InstantSource clock;
  private final Settings settings;
  private final Slots slots;
  private final StoreRetry storeRetry =
      new StoreRetry(Duration.ofMillis(100), Duration.ofSeconds(5));
  private final AttemptRecorder recorder;
  private final AttemptSetup setup;
  private final InputBinder inputBinder = new InputBinder();
  private final StepMeters meters;
  private final LogShipper logShipper;
  private final RunningAttempts running;
  private final Set<RunningAttempts.Key> tracked = ConcurrentHashMap.newKeySet();
  private final Adoptions adoptions;
  private volatile Consumer<String> onStepEnded = runId -> {};
  private volatile StepChanges stepChanged = (runId, stepVersionId, progress) -> {};
  private volatile StepChanges stepChangedElsewhere = (runId, stepVersionId, progress) -> {};
  private volatile boolean shuttingDown;
  private volatile boolean draining;

  public StepLauncher(
      RunStore runs,
      ArtifactFiles artifactFiles,
      LogStore shippedLogs,
      StepExecutor executor,
      Workspace workspace,
      RunKeys runKeys,
      InstantSource clock,
      Settings settings,
      MeterRegistry registry) {
    this.runs = runs;
    this.executor = executor;
    this.clock = clock;
    this.settings = settings;
    this.slots = new Slots(settings.parallelLimit());
    this.meters = new StepMeters(registry, slots);
    this.running =
        new RunningAttempts(
            runs,
            clock,
            (runId, stepVersionId, progress) ->
                stepChanged.changed(runId, stepVersionId, progress));
    this.logShipper = new LogShipper(shippedLogs, executor, workspace, settings.logCapBytes());
    this.setup =
        new AttemptSetup(
            runs,
            workspace,
            runKeys,
            settings.serverUrl(),
            settings.stepRequirements(),
            settings.valueLimits(),
            artifactFiles);
    this.recorder =
        new AttemptRecorder(
            runs,
            artifactFiles,
            workspace,
            clock,
            storeRetry,
            new AttemptRecorder.Events() {
              @Override
              public void stepChanged(String runId, String stepVersionId, StepProgress progress) {
                stepChanged.changed(runId, stepVersionId, progress);
              }

              @Override
              public void changedElsewhere(String runId, String stepVersionId) {
                stepChangedElsewhere.changed(runId, stepVersionId, null);
              }
            });
    this.adoptions =
        new Adoptions(
            runs,
            setup,
            executor,
            recorder,
            tracked,
            clock,
            settings.nodeId(),
            (runId, step, handle) -> {
              int weight = slots.weightOf(step.cpuSize() == null ? 1 : step.cpuSize().slots());
              slots.take(weight);
              long now = System.nanoTime();
              follow(runId, step, new Claim(step.attempt(), weight, now, now), handle);
            });
  }

  public Slots slots() {
    return slots;
  }

  /**
   * Whether this server starts steps now: it holds its lease and is not draining. Planners start
   * nothing while it does not; a lease renewed wakes every run again.
   */
  public boolean claiming() {
    return !draining && settings.lease().held();
  }

  public void onStepEnded(Consumer<String> listener) {
    this.onStepEnded = listener;
  }

  /**
   * Who to tell when this launcher changed a step in the store, and when a guarded write (a claim,
   * an outcome) found the step changed by someone else, another server maybe: read it again.
   */
  public void onStepChanged(StepChanges changed, StepChanges changedElsewhere) {
    this.stepChanged = changed;
    this.stepChangedElsewhere = changedElsewhere;
  }

  /**
   * Starts the step on the slots the caller took, binding its inputs from {@code scope} (the part
   * of the run's scope they read); every path gives the slots back. A store fault while claiming is
   * thrown, after the slots are back, without waking the run: its planner decides when to try
   * again. A claim that committed though the store reported a fault is an orphan the sweeper finds.
   * {@code readyNanos} is when the step became ready to start ({@link System#nanoTime}), for its
   * dispatch latency.
   */
  public void start(
      PipelineVersion version,
      StepVersion step,
      Map<String, JsonNode> scope,
      int weight,
      long readyNanos) {
    boolean launched = false;
    boolean faulted = true;
    try {
      launched = claimAndLaunch(version, step, scope, weight, readyNanos);
      faulted = false;
    } finally {
      if (!launched) {
        release(version.id(), weight, !faulted);
      }
    }
  }

  /** True when a launch thread took the slots over. */
  private boolean claimAndLaunch(
      PipelineVersion version,
      StepVersion step,
      Map<String, JsonNode> scope,
      int weight,
      long readyNanos) {
    long slotTakenNanos = System.nanoTime();
    InputBinder.Binding binding;
    Throwable bindFault = null;
    try {
      binding = inputBinder.bind(step, scope);
    } catch (RuntimeException | Error e) { // out of memory copying a huge input, say
      log.error("Could not bind the inputs of step version {}", step.id(), e);
      binding = null;
      bindFault = e;
    }
    // A failed binding keeps what the store holds; the planner's copy of the step lacks it.
    var bound =
        binding == null || binding.failed()
            ? runs.findStepVersion(step.id()).map(StepVersion::boundInputs).orElse(null)
            : binding.bound();
    int attempt = step.attempt() + 1;
    var key = new RunningAttempts.Key(step.id(), attempt);
    tracked.add(key); // before the claim commits, or the sweeper could take it for an orphan
    Optional<StepProgress> claimed = Optional.empty();
    try {
      claimed =
          runs.claimStepWithProgress(
              step.id(), step.attempt(), settings.nodeId(), bound, clock.instant());
    } finally {
      if (claimed.isEmpty()) {
        tracked.remove(key);
      }
    }
    if (claimed.isEmpty()) {
      stepChangedElsewhere.changed(version.id(), step.id(), null);
      return false;
    }
    stepChanged.changed(version.id(), step.id(), claimed.get());
    long claimedNanos = System.nanoTime();
    meters.slotTaken(readyNanos, slotTakenNanos);
    if (bindFault != null) {
      recorder.platformFault(
          step,
          attempt,
          "could not bind the step's inputs: " + bindFault,
          () -> tracked.remove(key));
      return false;
    }
    if (binding.failed()) {
      recorder.failure(
          step, attempt, FailureCause.BAD_INPUT, binding.error(), () -> tracked.remove(key));
      return false;
    }
    var kwargs = binding.kwargs();
    try {
      Thread.ofVirtual()
          .name("launch-" + step.id())
          .start(
              () ->
                  launch(
                      version, step, new Claim(attempt, weight, readyNanos, claimedNanos), kwargs));
      return true;
    } catch (RuntimeException | Error e) {
      recorder.platformFault(
          step, attempt, "could not start the step's launch: " + e, () -> tracked.remove(key));
      return false;
    }
  }

  private void launch(
      PipelineVersion version, StepVersion step, Claim claim, Map<String, JsonNode> kwargs) {
    int attempt = claim.attempt();
    int weight = claim.weight();
    var key = new RunningAttempts.Key(step.id(), attempt);
    StepHandle handle;
    try {
      handle = executor.launch(setup.prepare(version, step, attempt, kwargs));
    } catch (InputFiles.MissingInput e) {
      try {
        recorder.failure(
            step, attempt, FailureCause.BAD_INPUT, e.getMessage(), () -> tracked.remove(key));
      } finally {
        release(version.id(), weight, true);
      }
      return;
    } catch (IOException | RuntimeException | Error e) {
      // A full disk, a store that failed to read the history: the platform's fault, not the step's.
      log.error("Could not launch step version {} attempt {}", step.id(), attempt, e);
      try {
        recorder.platformFault(
            step, attempt, "could not launch the step: " + e, () -> tracked.remove(key));
      } finally {
        release(version.id(), weight, true);
      }
      return;
    }
    follow(version.id(), step, claim, handle);
    handle.started().thenAccept(startedNanos -> meters.started(claim.readyNanos(), startedNanos));
  }

  /** Tracks the attempt running on {@code handle} until its outcome is in the store. */
  private void follow(String runId, StepVersion step, Claim claim, StepHandle handle) {
    running.started(new RunningAttempts.Key(step.id(), claim.attempt()), runId, handle);
    logShipper.started(runId, step.id(), claim.attempt());
    handle
        .outcome()
        .whenComplete(
            (outcome, fault) ->
                finished(
                    runId,
                    step,
                    claim,
                    fault == null
                        ? outcome
                        : StepOutcome.failure(
                            FailureCause.LAUNCH_FAILED, "executor fault: " + fault, null)));
  }

  private void finished(String runId, StepVersion step, Claim claim, StepOutcome outcome) {
    int attempt = claim.attempt();
    var key = new RunningAttempts.Key(step.id(), attempt);
    long endedNanos = System.nanoTime();
    try {
      boolean record = running.ended(key) && !shuttingDown;
      logShipper.ended(step.id(), attempt); // before the outcome: a finished run has its logs
      if (record) {
        recorder.outcome(step, attempt, outcome, () -> tracked.remove(key));
      } else {
        tracked.remove(key); // handed back: the step is PENDING again, or will be
      }
    } finally {
      release(runId, claim.weight(), true);
      meters.ended(claim.claimedNanos(), endedNanos, outcome);
    }
  }

  /**
   * Recovers a step that the store shows RUNNING under this node at {@code claim.attempt()} but
   * that this node does not track (its claim committed though the store reported a fault, say): it
   * goes back to PENDING as after any platform fault, without using a retry. No effect on an
   * attempt this node tracks (from before its claim commits until its outcome is in the store), or
   * on one that is no longer RUNNING.
   */
  public void recoverOrphan(RunningAttempt claim) {
    var key = new RunningAttempts.Key(claim.stepVersionId(), claim.attempt());
    if (!tracked.add(key)) {
      return; // claiming, running or recording it
    }
    boolean recovering = false;
    try {
      var step = runs.findStepVersionToPlan(claim.stepVersionId());
      if (step.isPresent()) {
        log.warn(
            "Step version {} attempt {} of run {} is RUNNING under this server, which does not run"
                + " it; putting it back to PENDING",
            claim.stepVersionId(),
            claim.attempt(),
            claim.pipelineVersionId());
        recorder.platformFault(
            step.get(),
            claim.attempt(),
            "the server held the step's claim but was not running it",
            () -> tracked.remove(key));
        recovering = true;
      }
    } finally {
      if (!recovering) {
        tracked.remove(key);
      }
    }
  }

  /**
   * Takes up {@code step}, RUNNING at its attempt under a server that died (or this one before it
   * restarted), when its executor may still run that attempt (a Kubernetes Job); see {@link
   * Adoptions}. True when the step is dealt with here; false when its attempt cannot outlive its
   * server, for the caller to put it back.
   */
  public boolean adopt(StepVersion step, String why) {
    return adoptions.adopt(step, why);
  }

  /**
   * Gives the slots back and, unless the caller hit a fault it will retry with a delay of its own,
   * wakes the run; and the run at the head of the slot queue, which may start now.
   */
  private void release(String runId, int weight, boolean wakeRun) {
    String head = slots.release(weight);
    if (wakeRun) {
      onStepEnded.accept(runId);
    }
    if (head != null && !head.equals(runId)) {
      onStepEnded.accept(head);
    }
  }

  /** The attempts this server runs now, to count and to stop. */
  public RunningAttempts running() {
    return running;
  }

  /** Makes this server start no more steps, for good: it drains, or serves the API alone. */
  public void stopClaiming() {
    draining = true;
  }

  /**
   * Stops claiming steps and waits up to {@code grace} for the attempts this node runs to end on
   * their own and their outcomes to be in the store, so that a server told to stop lets its steps
   * finish. Returns how many still run.
   */
  public int drain(Duration grace) throws InterruptedException {
    stopClaiming();
    long deadline = System.nanoTime() + grace.toNanos();
    while (!tracked.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return running.count();
  }

  /**
   * Hands every attempt this node runs back, for the next server start or another server to run
   * again from the beginning, and records nothing more. Used on a clean shutdown.
   */
  public void shutdown() {
    shuttingDown = true;
    draining = true;
    storeRetry.stop();
    running.handBackAll("the server shut down");
    logShipper.close();
  }
}
