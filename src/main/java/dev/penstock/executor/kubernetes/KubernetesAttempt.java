package dev.penstock.executor.kubernetes;

import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.executor.local.CappedLog;
import dev.penstock.executor.local.RunnerResults;
import dev.penstock.model.FailureCause;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt running as a Job: told of its Job and pod each time either changes (by the informers
 * or the periodic list), it starts copying the pod's log once the container runs, and once the
 * verdict is in, reads the log to its end and then the outcome, from what the pod sent back into
 * the attempt's working directory (or, for a small result that could not be sent, the container's
 * termination message). Stopping it deletes the Job, its pod and Secret with it. Thread-safe.
 */
final class KubernetesAttempt implements StepHandle {
  private static final Logger log = LoggerFactory.getLogger(KubernetesAttempt.class);
  private static final long LOG_DRAIN_MILLIS = 10_000;
  // penstock_pod.py's exit codes and termination messages: change them there too.
  private static final int MISSING_PACKAGES_EXIT = 3;
  private static final int NO_FILES_EXIT = 4;

  /** How penstock_pod.py's termination message starts when the result could not be sent. */
  private static final String UNSENT = "the result could not be sent";

  private static final String REFUSED = "the server refused what the step left";

  private static final String DELETED = "the step's Job was deleted outside Penstock";

  /** What the attempt needs of its executor. */
  interface Cluster {
    void deleteJob(String name);

    PodLog.Source logOf(String podName);

    RunnerResults results();

    Duration pendingLimit();

    String image(StepLaunch launch);
  }

  private final StepLaunch launch;
  private final String jobName;
  private final CappedLog attemptLog;
  private final Cluster cluster;
  private final Consumer<KubernetesAttempt> onEnd;
  private final CompletableFuture<StepOutcome> outcome = new CompletableFuture<>();
  private final CompletableFuture<Long> started = new CompletableFuture<>();
  private Job job;
  private Pod pod;
  private PodLog podLog;
  private boolean ending;
  private volatile boolean created;

  KubernetesAttempt(
      StepLaunch launch,
      String jobName,
      CappedLog log,
      Cluster cluster,
      Consumer<KubernetesAttempt> onEnd) {
    this.launch = launch;
    this.jobName = jobName;
    this.attemptLog = log;
    this.cluster = cluster;
    this.onEnd = onEnd;
  }

  String jobName() {
    return jobName;
  }

  StepLaunch launch() {
    return launch;
  }

  CappedLog log() {
    return attemptLog;
  }

  /** The Job exists in the cluster (created, or found): its absence now means it was deleted. */
  void created() {
    created = true;
  }

  boolean wasCreated() {
    return created;
  }

  /** Whether the attempt has ended, or is ending: it makes no more of its Job. */
  synchronized boolean ended() {
    return ending;
  }

  /** The Job as last seen, or null when it is gone; null keeps what was seen. */
  void sawJob(Job seen) {
    decide(seen, null, false);
  }

  void sawPod(Pod seen) {
    decide(null, seen, false);
  }

  /** A fresh list of both, where null means not found. */
  void listed(Job seenJob, Pod seenPod) {
    decide(seenJob, seenPod, true);
  }

  private void decide(Job seenJob, Pod seenPod, boolean listed) {
    PodVerdict.Verdict verdict;
    synchronized (this) {
      if (ending) {
        return;
      }
      if (seenJob != null || listed) {
        job = seenJob;
      }
      if (seenPod != null || listed) {
        pod = seenPod != null ? seenPod : pod;
      }
      if (listed && seenJob == null && created) {
        ending = true;
        verdict = new PodVerdict.Failed(FailureCause.PLATFORM_FAULT, DELETED);
      } else {
        verdict =
            PodVerdict.of(
                job,
                pod,
                Instant.now(),
                cluster.pendingLimit(),
                RunnerResults.memoryExceeded(launch.memoryGb()),
                RunnerResults.timedOut(launch.timeout()),
                cluster.image(launch));
        if (verdict instanceof PodVerdict.Pending pending) {
          if (pending.running()) {
            startLog();
            started.complete(System.nanoTime());
          }
          return;
        }
        ending = true;
      }
    }
    Thread.ofVirtual().name("k8s-end-" + jobName).start(() -> end(verdict));
  }

  private void startLog() {
    if (podLog == null && pod != null) {
      podLog =
          new PodLog(
              cluster.logOf(pod.getMetadata().getName()), attemptLog, launch.logFile(), jobName);
      podLog.start();
    }
  }

  private void end(PodVerdict.Verdict verdict) {
    try {
      PodLog reading;
      synchronized (this) {
        if (verdict instanceof PodVerdict.Exited) {
          startLog(); // a pod too quick to be seen running still has its log
        }
        reading = podLog;
      }
      if (reading != null) {
        reading.finish(LOG_DRAIN_MILLIS);
        reading.close(); // a stream still open past the drain writes nothing more
      }
      StepOutcome ended =
          switch (verdict) {
            case PodVerdict.Exited exited -> exited(exited);
            case PodVerdict.Failed failed ->
                StepOutcome.failure(failed.cause(), failed.error(), null);
            case PodVerdict.Pending pending -> throw new IllegalStateException("not an end");
          };
      if (verdict instanceof PodVerdict.Failed failed
          && (failed.cause() == FailureCause.CANNOT_START || failed.error().equals(DELETED))) {
        // A pod that cannot start would wait on (ended ones stay for their TTL); a Job read as
        // deleted must be, before its step runs again.
        cluster.deleteJob(jobName);
      }
      complete(ended);
    } catch (RuntimeException | Error e) {
      log.error("Reading the end of Job {} failed", jobName, e);
      complete(
          StepOutcome.failure(
              FailureCause.PLATFORM_FAULT, "reading the end of the step's Job failed: " + e, null));
    }
  }

  private StepOutcome exited(PodVerdict.Exited exited) {
    Path result = launch.workDir().resolve(RunnerResults.RESULT_FILE);
    String message = exited.terminationMessage();
    boolean sent = Files.exists(result);
    if (!sent && message.startsWith("{")) {
      try {
        Files.writeString(result, message, StandardCharsets.UTF_8); // the small result's backup
        sent = true;
      } catch (IOException e) {
        log.warn("Could not keep the result of Job {} from its termination message", jobName, e);
      }
    }
    if (!sent && message.startsWith(REFUSED)) {
      // What the step left is over its limits: its own doing, as it would be on a machine.
      return StepOutcome.failure(FailureCause.OUTPUT_ERROR, message, exited.exitCode());
    }
    if (!sent && message.startsWith(UNSENT)) {
      // The pod could not reach the server: the platform's fault, not the step's.
      return StepOutcome.failure(FailureCause.PLATFORM_FAULT, message, exited.exitCode());
    }
    if (!sent && exited.exitCode() == MISSING_PACKAGES_EXIT) {
      return StepOutcome.failure(FailureCause.MISSING_PACKAGES, message, exited.exitCode());
    }
    if (!sent && exited.exitCode() == NO_FILES_EXIT) {
      return StepOutcome.failure(FailureCause.LAUNCH_FAILED, message, exited.exitCode());
    }
    StepOutcome read = cluster.results().read(launch, exited.exitCode());
    if (!sent && !read.succeeded() && !message.isBlank()) {
      return new StepOutcome(
          false,
          null,
          read.cause(),
          read.error() + " (the pod said: " + message + ")",
          read.exitCode(),
          read.environmentMillis());
    }
    return read;
  }

  @Override
  public CompletableFuture<StepOutcome> outcome() {
    return outcome;
  }

  @Override
  public CompletableFuture<Long> started() {
    return started;
  }

  @Override
  public void stop(FailureCause cause, String error) {
    PodLog reading;
    synchronized (this) {
      if (ending) {
        return;
      }
      ending = true;
      reading = podLog;
    }
    try {
      cluster.deleteJob(jobName);
    } finally {
      if (reading != null) {
        reading.close();
      }
      complete(StepOutcome.failure(cause, error, null));
    }
  }

  /** Ends the attempt without an outcome of its own: the server is closing. */
  void detach() {
    PodLog reading;
    synchronized (this) {
      ending = true;
      reading = podLog;
    }
    if (reading != null) {
      reading.close();
    }
    closeLog();
  }

  private void complete(StepOutcome ended) {
    closeLog();
    onEnd.accept(this);
    outcome.complete(ended);
  }

  private void closeLog() {
    try {
      attemptLog.close();
    } catch (IOException e) {
      log.warn("Could not close the log of Job {}", jobName, e);
    }
  }

  @Override
  public long pid() {
    return -1;
  }
}
