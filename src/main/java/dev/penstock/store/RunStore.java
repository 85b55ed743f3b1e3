package dev.penstock.store;

import dev.penstock.model.Artifact;
import dev.penstock.model.InputMapping;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepProgress;
import dev.penstock.model.StepVersion;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs (PipelineVersions) and their step versions. Every write is one short transaction, durable
 * when the method returns, and appends a status_history row for each status it changes. State
 * changes are guarded updates: they name the state they expect, and a false return means the row
 * was not in that state (another thread or node got there first, or the attempt was superseded);
 * the caller drops its action and lets the next planning pass decide. Implementations are
 * thread-safe.
 */
public interface RunStore {

  /** Stores a new version with all its step versions (status PENDING, attempt 0) atomically. */
  void createVersion(PipelineVersion version);

  /** The version with its step versions in position order. */
  Optional<PipelineVersion> findVersion(String pipelineVersionId);

  /**
   * The version as planning reads it: its step versions without their bound inputs, which in a wide
   * fan-out can hold a copy of a large list per step.
   */
  Optional<PipelineVersion> findVersionToPlan(String pipelineVersionId);

  /** The version's status alone. */
  Optional<RunStatus> versionStatus(String pipelineVersionId);

  /**
   * Reads the version from one snapshot and hands it to {@code reader}: first the version, then its
   * step versions one at a time (see {@link VersionReader}), so that no more than one step version
   * is in memory. Returns false, without calling the reader, when there is no such version. The
   * read holds a database connection until it returns, however long the reader takes; at most half
   * the pool's connections read this way at once (the rest stay for the engine) and further reads
   * wait their turn, failing with a StoreException after 30 s. Never retried: a failure after the
   * reader has been called leaves it with part of the run.
   */
  boolean readVersion(String pipelineVersionId, VersionReader reader);

  /** Ids of the pipeline's versions, newest first, at most {@code limit} (none when it is 0). */
  List<String> versionIds(String pipelineId, int limit);

  Optional<StepVersion> findStepVersion(String stepVersionId);

  /** The step version as planning reads it: without its bound inputs (see findVersionToPlan). */
  Optional<StepVersion> findStepVersionToPlan(String stepVersionId);

  /** Only what changes of a step version while its run goes on: what a planner reads again. */
  Optional<StepProgress> findStepProgress(String stepVersionId);

  /** Ids of versions that are PENDING or RUNNING, oldest first. */
  List<String> openVersionIds();

  /**
   * Claims a PENDING step for {@code nodeId}: RUNNING, attempt = expectedAttempt + 1, startedAt and
   * boundInputs set, error and outputs cleared. In the same transaction a PENDING version becomes
   * RUNNING. Returns false (and writes nothing) unless the step was PENDING at {@code
   * expectedAttempt}.
   */
  default boolean claimStep(
      String stepVersionId,
      int expectedAttempt,
      String nodeId,
      List<InputMapping> boundInputs,
      Instant now) {
    return claimStepWithProgress(stepVersionId, expectedAttempt, nodeId, boundInputs, now)
        .isPresent();
  }

  /** As claimStep; the step's progress as the claim left it, or empty when it did not claim. */
  Optional<StepProgress> claimStepWithProgress(
      String stepVersionId,
      int expectedAttempt,
      String nodeId,
      List<InputMapping> boundInputs,
      Instant now);

  /**
   * Records the end of an attempt. Returns false (and writes nothing) unless the step is RUNNING at
   * exactly {@code completion.attempt()}: a result from a superseded attempt is dropped.
   */
  default boolean completeStep(StepCompletion completion) {
    return completeStepWithProgress(completion).isPresent();
  }

  /** As completeStep; the step's progress as the completion left it, or empty when dropped. */
  Optional<StepProgress> completeStepWithProgress(StepCompletion completion);

  /** PENDING → SKIPPED with {@code error} as the reason; false when the step was not PENDING. */
  boolean skipStep(String stepVersionId, String error, Instant now);

  /**
   * RUNNING at {@code attempt} → PENDING (the attempt number stays; the next claim raises it), with
   * {@code reason} kept in the history. False when the step was not RUNNING at that attempt.
   */
  boolean requeueStep(String stepVersionId, int attempt, String reason, Instant now);

  /**
   * Puts a step back to PENDING after a platform fault interrupted it (its fork server died, the
   * store or the disk failed): RUNNING at {@code attempt} → PENDING, not claimable before {@code
   * notBefore}, its failures (retries used) unchanged. The attempt is kept as INTERRUPTED with
   * cause PLATFORM_FAULT and {@code reason}, in the history too. False (nothing written) when the
   * step was not RUNNING at that attempt.
   */
  boolean requeueAfterFault(
      String stepVersionId, int attempt, String reason, Instant notBefore, Instant now);

  /**
   * Moves the claim of a step RUNNING at {@code attempt} under {@code fromNode} to {@code toNode},
   * for a server that takes up an attempt still running where its executor runs it (a Kubernetes
   * Job) after the server that claimed it died. The attempt number stays, so outcomes stay fenced
   * by it. False (nothing written) when the step was not so claimed.
   */
  boolean adoptStep(String stepVersionId, int attempt, String fromNode, String toNode, Instant now);

  /**
   * The steps RUNNING under {@code nodeId}, as (step version, version, attempt, node): what that
   * node should be running.
   */
  List<RunningAttempt> runningStepsClaimedBy(String nodeId);

  /**
   * Ends an open version with a terminal status and error (null for COMPLETE), setting completedAt.
   * False when the version was already terminal.
   */
  boolean finishVersion(String pipelineVersionId, RunStatus status, String error, Instant now);

  /** RUNNING steps whose claiming node has not heartbeated at or after {@code staleBefore}. */
  List<StepVersion> runningStepsOfDeadNodes(Instant staleBefore);

  /** Registers a node (or refreshes it) with heartbeat {@code now}. */
  void heartbeatNode(String nodeId, Instant now);

  /** The status changes of a step version, oldest first. */
  List<StatusChange> history(String stepVersionId);

  /** The ended attempts of a step version, oldest first (a running attempt is not among them). */
  List<StepAttempt> attempts(String stepVersionId);

  /**
   * What the version's steps produced by reference and still hold (a reset step's are gone), in
   * step order, then by output and name.
   */
  List<Artifact> artifacts(String pipelineVersionId);

  /** What one step version produced by reference and still holds, by output and name. */
  List<Artifact> artifactsOfStep(String stepVersionId);

  Optional<Artifact> findArtifact(String artifactId);

  /** The ended attempts of every step of a version, by step version id, oldest first. */
  Map<String, List<StepAttempt>> attemptsOfVersion(String pipelineVersionId);

  /**
   * Puts the given steps of the version back to PENDING for a rerun, outputs and errors cleared and
   * their retry budget renewed; PENDING ones are left alone. A RUNNING one is taken from its
   * process (its attempt recorded as INTERRUPTED with {@code reason}) and returned, for its node to
   * stop it. The version, if it had ended, is PENDING again (its error and completedAt cleared) and
   * its trigger becomes RESET. Ids of steps of other versions are ignored.
   */
  List<RunningAttempt> resetSteps(
      String pipelineVersionId, Collection<String> stepVersionIds, String reason, Instant now);

  /**
   * Cancels an open version: it and its PENDING and RUNNING steps become CANCELLED with {@code
   * reason} as the error. Returns the attempts taken from their processes; empty, with nothing
   * written, when the version had already ended.
   */
  List<RunningAttempt> cancelVersion(String pipelineVersionId, String reason, Instant now);

  /** Every PENDING step of the version becomes SKIPPED with {@code reason}; returns how many. */
  int skipPendingSteps(String pipelineVersionId, String reason, Instant now);

  /**
   * Ends a failed attempt by scheduling another: RUNNING at exactly {@code failed.attempt()} →
   * PENDING, failures + 1, not before {@code notBefore}, the failure kept as the step's error and
   * in its attempts. False (nothing written) when the attempt was superseded.
   */
  boolean retryStep(StepCompletion failed, Instant notBefore, String reason);

  /**
   * PENDING → RUNNING for a version whose pipeline has room under its maxConcurrentRuns and that is
   * the oldest PENDING version of its pipeline. False when it must wait (or is not PENDING).
   */
  boolean admitVersion(String pipelineVersionId, Instant now);

  /** The pipeline's PENDING versions, oldest first: the queue admitVersion serves. */
  List<String> queuedVersionIds(String pipelineId);

  /**
   * Up to {@code limit} ended versions, oldest first, that retention may delete: completed before
   * {@code olderThan} and not among the {@code keepLast} newest versions of their pipeline.
   */
  List<String> prunableVersionIds(Instant olderThan, int keepLast, int limit);

  /**
   * Deletes an ended version with its step versions, attempts, history and run keys, in one
   * transaction. False (nothing deleted) when it is missing or not ended.
   */
  boolean deleteVersion(String pipelineVersionId);

  /**
   * The versions deleted (by retention or with their pipeline) since {@code since}, oldest first,
   * for each server to delete the files it keeps of them.
   */
  List<String> deletedVersionIds(Instant since);

  /** Forgets the versions deleted before {@code before}: every server has had time to read them. */
  void forgetDeletedBefore(Instant before);

  /**
   * Runs {@code pass} unless another server on the database is running a retention pass now;
   * returns whether it ran.
   */
  boolean retentionAlone(Runnable pass);
}
