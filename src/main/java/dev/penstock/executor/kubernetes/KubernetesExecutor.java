package dev.penstock.executor.kubernetes;

import dev.penstock.executor.ExecutorException;
import dev.penstock.executor.StepExecutor;
import dev.penstock.executor.StepHandle;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.executor.local.CappedLog;
import dev.penstock.executor.local.OpenLogs;
import dev.penstock.executor.local.RunnerResults;
import dev.penstock.model.FailureCause;
import dev.penstock.model.LogChunk;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each attempt as a Kubernetes Job (see {@link AttemptObjects}) through the fabric8 client:
 * the Job is created under a name fixed by the attempt ({@link JobNames}), then the Secret it
 * mounts, owned by it. A {@link JobWatch} tells each attempt of its Job's and pod's changes. A
 * restarted server {@link #adopt adopts} the Job of an attempt it was running rather than create a
 * second one. Logs are copied from the pods into the attempts' log files, read like a local step's.
 * Thread-safe.
 */
public final class KubernetesExecutor implements StepExecutor, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubernetesExecutor.class);

  private final KubernetesClient client;
  private final String namespace;
  private final KubernetesSettings settings;
  private final RunnerResults results;
  private final BiFunction<String, Integer, String> tokens;
  private final Supplier<String> serverUrl;
  private final AttemptObjects objects;
  private final Map<String, KubernetesAttempt> attempts = new ConcurrentHashMap<>();
  private final OpenLogs openLogs;
  private final JobWatch watch;
  private final KubernetesAttempt.Cluster cluster;

  /**
   * The executor on the cluster the client finds as kubectl does: the pod's service account in a
   * cluster, else KUBECONFIG or ~/.kube/config, or KUBERNETES_MASTER.
   *
   * @param tokens the token of an attempt (step version, attempt) for its pod's calls back
   * @param serverUrl the server's own URL, for pods when the settings name none
   */
  public static KubernetesExecutor connect(
      KubernetesSettings settings,
      RunnerResults results,
      long logCapBytes,
      BiFunction<String, Integer, String> tokens,
      Supplier<String> serverUrl) {
    return new KubernetesExecutor(
        new KubernetesClientBuilder().build(), settings, results, logCapBytes, tokens, serverUrl);
  }

  /** The executor on {@code client}'s cluster; it closes the client when it closes. */
  KubernetesExecutor(
      KubernetesClient client,
      KubernetesSettings settings,
      RunnerResults results,
      long logCapBytes,
      BiFunction<String, Integer, String> tokens,
      Supplier<String> serverUrl) {
    this.client = client;
    this.namespace =
        settings.namespace() != null
            ? settings.namespace()
            : Optional.ofNullable(client.getNamespace()).orElse("default");
    this.settings = settings;
    this.results = results;
    this.openLogs = new OpenLogs(logCapBytes);
    this.tokens = tokens;
    this.serverUrl = serverUrl;
    this.objects = new AttemptObjects(settings);
    this.cluster = new ClusterAccess();
    this.watch = new JobWatch(client, namespace, settings.resync(), attempts);
  }

  /**
   * Starts watching the namespace's step Jobs and pods; throws {@link ExecutorException} when the
   * cluster cannot be reached or does not let this server list Jobs there.
   */
  public KubernetesExecutor start() {
    try {
      jobs().list(new ListOptionsBuilder().withLimit(1L).build());
    } catch (KubernetesClientException e) {
      throw new ExecutorException(
          "cannot list Jobs in namespace %s of the Kubernetes API at %s: %s"
              .formatted(namespace, client.getMasterUrl(), message(e)),
          null,
          e);
    }
    watch.start();
    log.info(
        "Steps on Kubernetes run as Jobs in namespace {} (image {}; pods call {})",
        namespace,
        settings.image(),
        podServerUrl());
    if (podServerUrl().matches("https?://(127\\.|localhost|\\[::1\\]).*")) {
      log.warn(
          "Step pods are told to call the server at {}, an address of their own: set"
              + " --kubernetes-server-url to one they reach (the server pod's address, say)",
          podServerUrl());
    }
    return this;
  }

  public String namespace() {
    return namespace;
  }

  @Override
  public StepHandle launch(StepLaunch launch) {
    String name = JobNames.jobName(launch.stepVersionId(), launch.attempt());
    KubernetesAttempt attempt;
    try {
      attempt = track(launch, name);
    } catch (IOException e) {
      return StepHandle.ended(
          StepOutcome.failure(
              FailureCause.LAUNCH_FAILED, "cannot open the step's log: " + e, null));
    }
    try {
      AttemptObjects.writeRequest(launch, results.request(launch));
    } catch (RuntimeException e) {
      attempt.stop(FailureCause.LAUNCH_FAILED, "cannot write the step's request: " + e);
      return attempt;
    }
    Thread.ofVirtual().name("k8s-create-" + name).start(() -> create(attempt));
    return attempt;
  }

  /**
   * The attempt {@code launch} describes, if its Job still exists: a server that restarts takes it
   * up again, its log copied on from where it stood. A Job whose Secret is gone (the server died
   * between the two) is deleted and not adopted.
   */
  @Override
  public Optional<StepHandle> adopt(StepLaunch launch) {
    String name = JobNames.jobName(launch.stepVersionId(), launch.attempt());
    Job job = jobs().withName(name).get(); // a fault here is thrown: "not asked", not "gone"
    if (job == null) {
      return Optional.empty();
    }
    if (!Files.isDirectory(launch.workDir())) {
      // Its pod sends its result to this data directory, which no longer holds the attempt.
      log.warn(
          "Job {} ran for a data directory that is gone: deleting it, its step runs again", name);
      cluster.deleteJob(name);
      return Optional.empty();
    }
    if (client.secrets().inNamespace(namespace).withName(name).get() == null) {
      log.warn("Job {} has no Secret: deleting it, its step runs again", name);
      cluster.deleteJob(name);
      return Optional.empty();
    }
    Pod pod = podOf(name);
    KubernetesAttempt attempt;
    try {
      attempt = track(launch, name);
    } catch (IOException e) {
      throw new ExecutorException("cannot open the log of " + name + ": " + e, null, e);
    }
    attempt.created();
    log.info("Adopted Job {} of step version {}", name, launch.stepVersionId());
    attempt.listed(job, pod);
    return Optional.of(attempt);
  }

  @Override
  public boolean adopts(StepLaunch launch) {
    return true;
  }

  private KubernetesAttempt track(StepLaunch launch, String name) throws IOException {
    CappedLog attemptLog = openLogs.open(launch.logFile());
    var attempt =
        new KubernetesAttempt(
            launch,
            name,
            attemptLog,
            cluster,
            ended -> {
              attempts.remove(ended.jobName(), ended);
              openLogs.closed(launch.logFile(), attemptLog);
            });
    attempts.put(name, attempt);
    return attempt;
  }

  private void create(KubernetesAttempt attempt) {
    StepLaunch launch = attempt.launch();
    String name = attempt.jobName();
    try {
      Job job;
      try {
        job = jobs().resource(objects.job(launch, name)).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        job = jobs().withName(name).get(); // created before this server restarted
      }
      attempt.created();
      var secret =
          objects.secret(
              launch, job, tokens.apply(launch.stepVersionId(), launch.attempt()), podServerUrl());
      try {
        client.secrets().inNamespace(namespace).resource(secret).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      if (attempt.ended()) {
        cluster.deleteJob(name); // stopped while its Job was being made
        return;
      }
      attempt.sawJob(job);
    } catch (RuntimeException e) {
      log.warn("Kubernetes refused Job {}: {}", name, e.getMessage());
      attempt.stop(FailureCause.LAUNCH_FAILED, "Kubernetes refused the step's Job: " + message(e));
    }
  }

  private static String message(RuntimeException e) {
    if (e instanceof KubernetesClientException k && k.getStatus() != null) {
      return k.getStatus().getMessage();
    }
    return e.getMessage();
  }

  private String podServerUrl() {
    return settings.serverUrl() != null ? settings.serverUrl() : serverUrl.get();
  }

  private Pod podOf(String jobName) {
    var pods =
        client.pods().inNamespace(namespace).withLabel(JobNames.JOB, jobName).list().getItems();
    return pods.isEmpty() ? null : pods.get(pods.size() - 1);
  }

  private NonNamespaceOperation<Job, JobList, ScalableResource<Job>> jobs() {
    return JobWatch.jobs(client, namespace);
  }

  /** Whether this executor is writing the log {@code logFile} now. */
  public boolean writing(Path logFile) {
    return openLogs.writing(logFile);
  }

  @Override
  public String readLog(Path logFile) {
    return openLogs.read(logFile);
  }

  @Override
  public LogChunk readLog(Path logFile, long from, int maxBytes) {
    return openLogs.read(logFile, from, maxBytes);
  }

  /**
   * Stops watching; the Jobs run on, for this server or another to adopt (a server that stops hands
   * its steps back first, which deletes them).
   */
  @Override
  public void close() {
    watch.close();
    for (KubernetesAttempt attempt : List.copyOf(attempts.values())) {
      attempt.detach();
    }
    attempts.clear();
    openLogs.clear();
    client.close();
  }

  /** What the attempts need of the cluster. */
  private final class ClusterAccess implements KubernetesAttempt.Cluster {
    /** Deletes the Job, its pod and Secret with it; tries three times before it gives up. */
    @Override
    public void deleteJob(String name) {
      for (int tries = 1; ; tries++) {
        try {
          jobs().withName(name).withPropagationPolicy(DeletionPropagation.FOREGROUND).delete();
          return;
        } catch (KubernetesClientException e) {
          if (tries == 3) {
            log.warn("Could not delete Job {}: {}", name, e.getMessage());
            return;
          }
        }
        try {
          Thread.sleep(200L * tries);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    @Override
    public PodLog.Source logOf(String podName) {
      return PodLog.reading(client, namespace, podName);
    }

    @Override
    public RunnerResults results() {
      return results;
    }

    @Override
    public Duration pendingLimit() {
      return settings.pendingLimit();
    }

    @Override
    public String image(StepLaunch launch) {
      return objects.image(launch);
    }
  }
}
