package dev.penstock.executor.kubernetes;

import dev.penstock.model.FailureCause;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * What an attempt's Job and pod say of it: still on its way, running, ended by its process (with an
 * exit code and the container's termination message), or ended by Kubernetes, as a failure whose
 * cause and text the user reads: OOMKilled exceeded the memory, the deadline is the step's timeout,
 * an image that cannot be pulled or a pod that cannot be scheduled past the pending limit fails
 * with Kubernetes' own message, and an eviction or a lost node runs the step again without using a
 * retry (PLATFORM_FAULT). Thread-safe: stateless.
 */
final class PodVerdict {
  /** Waiting reasons that no wait will cure. */
  private static final Set<String> HOPELESS = Set.of("InvalidImageName", "ErrImageNeverPull");

  private static final Set<String> PULL_FAILURES =
      Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");

  private static final Set<String> CONFIG_FAILURES =
      Set.of("CreateContainerConfigError", "CreateContainerError", "RunContainerError");

  private static final Set<String> LOST_POD_REASONS =
      Set.of("Evicted", "NodeLost", "Preempting", "Shutdown", "Terminated", "NodeShutdown");

  /** The verdict. */
  sealed interface Verdict {}

  /** Nothing has ended yet; {@code running} once the step's container has started. */
  record Pending(boolean running) implements Verdict {}

  /** The step's process ended by itself with {@code exitCode}. */
  record Exited(int exitCode, String terminationMessage) implements Verdict {}

  /** Kubernetes ended it, or it cannot start. */
  record Failed(FailureCause cause, String error) implements Verdict {}

  private PodVerdict() {}

  /**
   * The verdict on an attempt from its Job and pod as last seen (either may be null) at {@code
   * now}; {@code memoryText} and {@code timeoutText} are the local executor's wording for those
   * limits, {@code pendingLimit} how long a pod may wait to be scheduled or for its image.
   */
  static Verdict of(
      Job job,
      Pod pod,
      Instant now,
      Duration pendingLimit,
      String memoryText,
      String timeoutText,
      String image) {
    // Before the container's end: a container stopped at the deadline ends too (exit 143), and
    // newer clusters mark the Job (FailureTarget) before its pods have ended.
    JobCondition failed = condition(job, "Failed");
    JobCondition failing = failed != null ? failed : condition(job, "FailureTarget");
    if (failing != null && "DeadlineExceeded".equals(failing.getReason())) {
      return new Failed(FailureCause.TIMED_OUT, timeoutText);
    }
    ContainerStatus container = container(pod);
    ContainerState state = container == null ? null : container.getState();
    if (state != null && state.getTerminated() != null) {
      ContainerStateTerminated ended = state.getTerminated();
      if ("OOMKilled".equals(ended.getReason())) {
        return new Failed(FailureCause.MEMORY_EXCEEDED, memoryText);
      }
      if (!lost(pod)) {
        int code = ended.getExitCode() == null ? -1 : ended.getExitCode();
        return new Exited(code, ended.getMessage() == null ? "" : ended.getMessage().strip());
      }
    }
    if (pod != null && lost(pod)) {
      return new Failed(
          FailureCause.PLATFORM_FAULT,
          "Kubernetes took the step's pod away (%s): %s"
              .formatted(reason(pod), nonBlank(pod.getStatus().getMessage(), "no message")));
    }
    if (failed != null) {
      // The Job failed with no container that ended: its pod is gone (deleted, lost with its node).
      return new Failed(
          FailureCause.PLATFORM_FAULT,
          "the step's Job failed without its pod ending (%s): %s"
              .formatted(
                  nonBlank(failed.getReason(), "no reason"),
                  nonBlank(failed.getMessage(), "no message")));
    }
    if (state != null && state.getRunning() != null) {
      return new Pending(true);
    }
    if (state != null && state.getWaiting() != null) {
      Failed stuck = waiting(state.getWaiting(), pod, now, pendingLimit, image);
      if (stuck != null) {
        return stuck;
      }
    }
    if (pod == null && neverHadPod(job) && waitedPast(job.getMetadata(), now, pendingLimit)) {
      return new Failed(
          FailureCause.CANNOT_START,
          ("Kubernetes made no pod for the step's Job %s in %s: a ResourceQuota or an admission"
                  + " policy may refuse it (kubectl describe job %s)")
              .formatted(
                  job.getMetadata().getName(),
                  describe(pendingLimit),
                  job.getMetadata().getName()));
    }
    PodCondition scheduled = podCondition(pod, "PodScheduled");
    if (scheduled != null
        && "False".equals(scheduled.getStatus())
        && "Unschedulable".equals(scheduled.getReason())
        && waitedPast(pod, now, pendingLimit)) {
      return new Failed(
          FailureCause.CANNOT_START,
          "Kubernetes could not schedule the step's pod for %s: %s"
              .formatted(
                  describe(pendingLimit), nonBlank(scheduled.getMessage(), "Unschedulable")));
    }
    return new Pending(false);
  }

  private static Failed waiting(
      ContainerStateWaiting waiting, Pod pod, Instant now, Duration pendingLimit, String image) {
    String reason = nonBlank(waiting.getReason(), "");
    String message = nonBlank(waiting.getMessage(), reason);
    boolean pull = PULL_FAILURES.contains(reason);
    if (!pull && !CONFIG_FAILURES.contains(reason)) {
      return null;
    }
    if (!HOPELESS.contains(reason) && !waitedPast(pod, now, pendingLimit)) {
      return null;
    }
    return new Failed(
        FailureCause.CANNOT_START,
        pull
            ? "Kubernetes could not pull the step's image %s (%s): %s"
                .formatted(image, reason, message)
            : "Kubernetes could not start the step's container (%s): %s"
                .formatted(reason, message));
  }

  /** Whether the Job exists and its controller never counted a pod of it. */
  private static boolean neverHadPod(Job job) {
    if (job == null) {
      return false;
    }
    var status = job.getStatus();
    return status == null
        || (zero(status.getActive())
            && zero(status.getSucceeded())
            && zero(status.getFailed())
            && (status.getConditions() == null || status.getConditions().isEmpty()));
  }

  private static boolean zero(Integer count) {
    return count == null || count == 0;
  }

  /** Whether the pod was taken away rather than ended by its process. */
  private static boolean lost(Pod pod) {
    if (pod == null || pod.getStatus() == null) {
      return false;
    }
    String reason = pod.getStatus().getReason();
    if (reason != null && LOST_POD_REASONS.contains(reason)) {
      return true;
    }
    PodCondition disruption = podCondition(pod, "DisruptionTarget");
    return disruption != null
        && "True".equals(disruption.getStatus())
        && "Failed".equals(pod.getStatus().getPhase());
  }

  private static String reason(Pod pod) {
    String reason = pod.getStatus().getReason();
    if (reason != null) {
      return reason;
    }
    PodCondition disruption = podCondition(pod, "DisruptionTarget");
    return disruption != null ? nonBlank(disruption.getReason(), "disrupted") : "lost";
  }

  private static boolean waitedPast(Pod pod, Instant now, Duration limit) {
    return pod != null && waitedPast(pod.getMetadata(), now, limit);
  }

  private static boolean waitedPast(ObjectMeta metadata, Instant now, Duration limit) {
    Instant created = created(metadata);
    return created != null && !created.plus(limit).isAfter(now);
  }

  private static Instant created(ObjectMeta metadata) {
    if (metadata == null) {
      return null;
    }
    try {
      return Instant.parse(metadata.getCreationTimestamp());
    } catch (DateTimeParseException | NullPointerException e) {
      return null;
    }
  }

  static ContainerStatus container(Pod pod) {
    if (pod == null || pod.getStatus() == null) {
      return null;
    }
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    if (statuses == null) {
      return null;
    }
    return statuses.stream()
        .filter(status -> JobNames.CONTAINER.equals(status.getName()))
        .findFirst()
        .orElse(null);
  }

  private static JobCondition condition(Job job, String type) {
    if (job == null || job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst()
        .orElse(null);
  }

  private static PodCondition podCondition(Pod pod, String type) {
    if (pod == null || pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return null;
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElse(null);
  }

  private static String nonBlank(String text, String otherwise) {
    return text == null || text.isBlank() ? otherwise : text.strip();
  }

  private static String describe(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
  }
}
