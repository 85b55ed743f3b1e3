package dev.penstock.executor.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the attempts waited on (by Job name) of their Jobs and pods: informers on the namespace's
 * Penstock Jobs and pods pass on each change, and every {@code resync} a list of both is compared
 * with the attempts, for what a watch missed. A Job missing from the list and from a read by its
 * name was deleted outside Penstock. Thread-safe.
 */
final class JobWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobWatch.class);

  private final KubernetesClient client;
  private final String namespace;
  private final Duration resync;
  private final Map<String, KubernetesAttempt> attempts;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("k8s-resync").factory());

  JobWatch(
      KubernetesClient client,
      String namespace,
      Duration resync,
      Map<String, KubernetesAttempt> attempts) {
    this.client = client;
    this.namespace = namespace;
    this.resync = resync;
    this.attempts = attempts;
  }

  static NonNamespaceOperation<Job, JobList, ScalableResource<Job>> jobs(
      KubernetesClient client, String namespace) {
    return client.batch().v1().jobs().inNamespace(namespace);
  }

  void start() {
    informers.add(
        jobs(client, namespace)
            .withLabel(JobNames.MANAGED_BY, JobNames.PENSTOCK)
            .inform(handler(KubernetesAttempt::sawJob)));
    informers.add(
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(JobNames.MANAGED_BY, JobNames.PENSTOCK)
            .inform(handler(KubernetesAttempt::sawPod)));
    long every = resync.toMillis();
    timer.scheduleWithFixedDelay(this::resyncSafely, every, every, TimeUnit.MILLISECONDS);
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler(
      BiConsumer<KubernetesAttempt, T> seen) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T object) {
        tell(object);
      }

      @Override
      public void onUpdate(T before, T object) {
        tell(object);
      }

      @Override
      public void onDelete(T object, boolean finalStateUnknown) {
        // The list that follows tells a Job deleted from one the watch lost sight of.
      }

      private void tell(T object) {
        var labels = object.getMetadata().getLabels();
        String job = labels == null ? null : labels.get(JobNames.JOB);
        KubernetesAttempt attempt = job == null ? null : attempts.get(job);
        if (attempt != null) {
          seen.accept(attempt, object);
        }
      }
    };
  }

  private void resyncSafely() {
    try {
      resyncNow();
    } catch (RuntimeException e) {
      log.warn("Listing the step Jobs in namespace {} failed: {}", namespace, e.toString());
    }
  }

  /** Lists the Jobs and pods and tells every attempt waited on what they show. */
  void resyncNow() {
    // Only attempts whose Job existed before the list began can be missing from it.
    var created = attempts.values().stream().filter(KubernetesAttempt::wasCreated).toList();
    if (created.isEmpty()) {
      return;
    }
    var jobsByName = new HashMap<String, Job>();
    for (Job job :
        jobs(client, namespace)
            .withLabel(JobNames.MANAGED_BY, JobNames.PENSTOCK)
            .list()
            .getItems()) {
      jobsByName.put(job.getMetadata().getName(), job);
    }
    var podsByJob = new HashMap<String, Pod>();
    for (Pod pod :
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(JobNames.MANAGED_BY, JobNames.PENSTOCK)
            .list()
            .getItems()) {
      var labels = pod.getMetadata().getLabels();
      if (labels != null && labels.get(JobNames.JOB) != null) {
        podsByJob.put(labels.get(JobNames.JOB), pod);
      }
    }
    for (KubernetesAttempt attempt : created) {
      Job job = jobsByName.get(attempt.jobName());
      if (job == null) {
        job = jobs(client, namespace).withName(attempt.jobName()).get(); // or listed too soon?
      }
      attempt.listed(job, podsByJob.get(attempt.jobName()));
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    informers.forEach(SharedIndexInformer::close);
  }
}
