package dev.penstock.engine.attempt;

import dev.penstock.engine.artifact.StoredOutputs;
import dev.penstock.engine.definition.RetrySpec;
import dev.penstock.executor.StepOutcome;
import dev.penstock.model.FailureCause;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepProgress;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.store.ArtifactFiles;
import dev.penstock.store.RunStore;
import dev.penstock.store.StepCompletion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records how attempts end, each write fenced by its attempt and retried while the store fails: a
 * result or a failure (through the step's retry policy), or, for a platform fault (a dead fork
 * server, a failed launch, a broken executor), the step back to PENDING without using a retry,
 * after a delay that doubles with each such fault in a row, until {@link #PLATFORM_FAULT_LIMIT}
 * reruns have been spent and the next fault fails it. A success's artifacts are kept where the
 * artifact store keeps them before its completion is written; a store that fails to keep them is a
 * platform fault. Thread-safe.
 */
final class AttemptRecorder {
  private static final Logger log = LoggerFactory.getLogger(AttemptRecorder.class);

  /** Reruns after platform faults in a row before the next such fault fails the step. */
  static final int PLATFORM_FAULT_LIMIT = 3;

  private static final Duration FIRST_RERUN_DELAY = Duration.ofSeconds(1);

  /** Who hears of a step the recorder changed, or found changed by someone else. */
  interface Events {
    /** As {@link StepChanges#changed}. */
    void stepChanged(String runId, String stepVersionId, StepProgress progress);

    /** The recorder found the step changed by someone else: read it again. */
    void changedElsewhere(String runId, String stepVersionId);
  }

  private final RunStore runs;
  private final ArtifactFiles files;
  private final Workspace workspace;
  private final InstantSource clock;
  private final StoreRetry retry;
  private final Events events;
  private final OutputBinder outputBinder = new OutputBinder();

  AttemptRecorder(
      RunStore runs,
      ArtifactFiles files,
      Workspace workspace,
      InstantSource clock,
      StoreRetry retry,
      Events events) {
    this.runs = runs;
    this.files = files;
    this.workspace = workspace;
    this.clock = clock;
    this.retry = retry;
    this.events = events;
  }

  /**
   * Records what the executor reported; {@code settled} runs once the store has it, or never will.
   */
  void outcome(StepVersion step, int attempt, StepOutcome outcome, Runnable settled) {
    if (!outcome.succeeded() && platformFault(outcome.cause())) {
      platformFault(step, attempt, outcome.error(), settled);
      return;
    }
    StepCompletion completion;
    try {
      completion = completion(step, attempt, outcome);
    } catch (IOException e) { // the artifact store failed: the step is not at fault
      log.warn("Could not keep the artifacts of step version {} attempt {}", step.id(), attempt, e);
      platformFault(
          step, attempt, "could not keep the step's artifacts: " + e.getMessage(), settled);
      return;
    } catch (RuntimeException | Error e) { // out of memory binding a huge result, say
      log.error("Could not read the outputs of step version {} attempt {}", step.id(), attempt, e);
      platformFault(step, attempt, "Penstock could not read the step's outputs: " + e, settled);
      return;
    }
    end(step, completion, settled);
  }

  /** Records a failure found before the step ran (its inputs could not be bound). */
  void failure(StepVersion step, int attempt, FailureCause cause, String error, Runnable settled) {
    end(step, fail(step, attempt, cause, error), settled);
  }

  /**
   * The platform failed the attempt: back to PENDING for a rerun that uses no retry, or, past
   * {@link #PLATFORM_FAULT_LIMIT} such reruns in a row, a failure saying so.
   */
  void platformFault(StepVersion step, int attempt, String fault, Runnable settled) {
    String error = fault == null ? "no error text" : fault;
    String what = "the platform fault of step version %s attempt %d".formatted(step.id(), attempt);
    // The count is read in the write, so that a write retried after a store fault counts afresh.
    persist(
        what,
        step,
        () -> {
          int inARow = faultsInARow(runs.attempts(step.id()));
          if (inARow >= PLATFORM_FAULT_LIMIT) {
            String gaveUp =
                "gave up after %d platform faults in a row (the step ran again %d times without"
                    + " using a retry): %s";
            return endWrite(
                    step,
                    fail(
                        step,
                        attempt,
                        FailureCause.PLATFORM_FAULT,
                        gaveUp.formatted(inARow + 1, inARow, error)))
                .apply();
          }
          Duration delay = FIRST_RERUN_DELAY.multipliedBy(1L << inARow);
          Instant now = clock.instant();
          String reason =
              "attempt %d was interrupted by a platform fault (rerun %d of at most %d that use no"
                  + " retry): %s";
          if (!runs.requeueAfterFault(
              step.id(),
              attempt,
              reason.formatted(attempt, inARow + 1, PLATFORM_FAULT_LIMIT, firstLine(error)),
              now.plus(delay),
              now)) {
            return null;
          }
          return () -> {
            appendToLog(
                step,
                attempt,
                String.format(
                    Locale.ROOT,
                    "[penstock] attempt %d was interrupted by a platform fault: %s%n"
                        + "[penstock] it runs again in %.1f s without using a retry%n",
                    attempt,
                    error,
                    delay.toMillis() / 1e3));
            events.stepChanged(step.pipelineVersionId(), step.id(), null);
          };
        },
        settled);
  }

  /** Whether a failure with this cause is the platform's, not the step's. */
  static boolean platformFault(FailureCause cause) {
    return cause == FailureCause.LAUNCH_FAILED
        || cause == FailureCause.WORKER_LOST
        || cause == FailureCause.PLATFORM_FAULT;
  }

  private static int faultsInARow(List<StepAttempt> attempts) {
    int inARow = 0;
    for (int i = attempts.size() - 1; i >= 0; i--) {
      StepAttempt ended = attempts.get(i);
      if (!ended.status().equals("INTERRUPTED") || ended.cause() != FailureCause.PLATFORM_FAULT) {
        break;
      }
      inARow++;
    }
    return inARow;
  }

  /** A failure goes through the step's retry policy; a success is recorded as it is. */
  private void end(StepVersion step, StepCompletion completion, Runnable settled) {
    String what =
        "the %s of step version %s attempt %d"
            .formatted(
                completion.status() == StepStatus.COMPLETE ? "result" : "failure",
                step.id(),
                completion.attempt());
    persist(what, step, endWrite(step, completion), settled);
  }

  private StoreRetry.Write endWrite(StepVersion step, StepCompletion completion) {
    var retryDelay =
        completion.status() == StepStatus.FAILED
            ? RetrySpec.retryDelay(step.retry(), step.failures(), completion.cause())
            : Optional.<Duration>empty();
    if (retryDelay.isEmpty()) {
      return () ->
          runs.completeStepWithProgress(completion)
              .<Runnable>map(
                  progress ->
                      () -> events.stepChanged(step.pipelineVersionId(), step.id(), progress))
              .orElse(null);
    }
    Duration delay = retryDelay.get();
    int retry = step.failures() + 1;
    String reason =
        "retry %d of %d after attempt %d failed: %s"
            .formatted(
                retry, step.retry().retries(), completion.attempt(), firstLine(completion.error()));
    return () -> {
      if (!runs.retryStep(completion, completion.at().plus(delay), reason)) {
        return null;
      }
      return () -> {
        events.stepChanged(step.pipelineVersionId(), step.id(), null);
        appendToLog(
            step,
            completion.attempt(),
            String.format(
                Locale.ROOT,
                "[penstock] attempt %d failed; retry %d of %d starts in %.1f s%n",
                completion.attempt(),
                retry,
                step.retry().retries(),
                delay.toMillis() / 1000.0));
      };
    };
  }

  private void persist(String what, StepVersion step, StoreRetry.Write write, Runnable settled) {
    retry.run(
        what,
        write,
        new StoreRetry.Settled() {
          @Override
          public void landed(boolean changed) {
            if (!changed) {
              log.info("Dropped {}: the attempt was superseded", what);
              events.changedElsewhere(step.pipelineVersionId(), step.id());
            }
            settled.run();
          }

          @Override
          public void broken(Throwable fault) {
            // Not the store's fault, so trying again would fail again: the sweeper finds the
            // step RUNNING under this node with nothing tracking it, and recovers it.
            log.error("Could not record {}; the sweeper will recover the step", what, fault);
            settled.run();
          }
        });
  }

  private StepCompletion completion(StepVersion step, int attempt, StepOutcome outcome)
      throws IOException {
    if (!outcome.succeeded()) {
      return fail(step, attempt, outcome.cause(), outcome.error());
    }
    Instant now = clock.instant();
    Path runDir = workspace.runDir(step.pipelineVersionId());
    var stored = StoredOutputs.of(step, attempt, outcome, runDir, now);
    if (stored.failed()) {
      return fail(step, attempt, FailureCause.OUTPUT_ERROR, stored.error());
    }
    var outputs = outputBinder.bind(step.outputs(), stored.returned());
    if (outputs.failed()) {
      return new StepCompletion(
          step.id(),
          attempt,
          StepStatus.FAILED,
          null,
          outputs.errors(),
          "Invalid outputs: " + outputs.errors(),
          FailureCause.OUTPUT_ERROR,
          now);
    }
    // Kept (uploaded, forced to disk) before the completion that records them can commit.
    for (var artifact : stored.artifacts()) {
      files.keep(step.pipelineVersionId(), artifact.path(), runDir.resolve(artifact.path()));
    }
    return new StepCompletion(
        step.id(),
        attempt,
        StepStatus.COMPLETE,
        outputs.values(),
        null,
        null,
        null,
        now,
        stored.artifacts());
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

  private static String firstLine(String text) {
    if (text == null) {
      return "no error text";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  private void appendToLog(StepVersion step, int attempt, String line) {
    Path logFile = workspace.logFile(step.pipelineVersionId(), step.id(), attempt);
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
}
