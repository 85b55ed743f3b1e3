package dev.penstock.testing;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * No Kubernetes cluster can run on these machines: this stands in for one. fabric8's mock API
 * server in CRUD mode keeps the objects, and this class plays the Job controller, the kubelet and
 * the garbage collector around it. For each new Job it creates the pod from the Job's template,
 * waits for the Secret the pod mounts, materialises it in a folder of its own and runs the
 * container's command there with a real Python (the real penstock_pod.py and runner), as the pod's
 * process; it serves what the process prints as the pod's log (with timestamps, from {@code
 * sinceTime}), sets the pod's and the Job's status as Kubernetes would, enforces {@code
 * activeDeadlineSeconds}, and deletes a deleted Job's pod and Secret. The tests make Kubernetes
 * misbehave through it: an image named {@code unpullable...} is never pulled, one named {@code
 * unschedulable...} finds no node, one named {@code refused...} gets no pod at all (a quota), and
 * {@link #oomKill}, {@link #evict}, {@link #expireDeadline}, {@link #deleteJob} end a running pod.
 * Pods call the server on loopback, which the Secret names. Thread-safe.
 */
public final class TestKubelet implements AutoCloseable {
  public static final String NAMESPACE = "penstock-test";

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Path scratch;
  private final Map<String, RunningPod> pods = new ConcurrentHashMap<>();
  private final PodLogServer.Logs logs = new PodLogServer.Logs();
  private final Set<String> jobsSeen = ConcurrentHashMap.newKeySet();
  private final List<String> jobsCreated = new CopyOnWriteArrayList<>();
  private final Thread loop;
  private volatile boolean closed;

  /** A pod this kubelet runs: its process, once started, and its log lines. */
  private static final class RunningPod {
    final String jobName;
    final String podName;
    final Instant created = Instant.now();
    volatile Process process;
    volatile boolean ended;
    volatile String endedBy; // "oom", "evicted", "deadline", "deleted"
    Path folder;

    RunningPod(String jobName, String podName) {
      this.jobName = jobName;
      this.podName = podName;
    }
  }

  // Held, or the logging configuration forgets the level: the mock logs every request it serves.
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private TestKubelet(Path scratch) {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    this.scratch = scratch;
    this.server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            new HashMap<>(),
            new PodLogServer(logs),
            false);
    server.init();
    this.client = server.createClient();
    this.loop = Thread.ofPlatform().daemon().name("test-kubelet").start(this::run);
  }

  /** A mock API server and its kubelet; {@code scratch} holds the pods' folders. */
  public static TestKubelet start(Path scratch) {
    return new TestKubelet(scratch);
  }

  /** The mock API server's URL, for a client (KUBERNETES_MASTER). */
  public String apiUrl() {
    return client.getConfiguration().getMasterUrl();
  }

  /** What a server's fabric8 client needs to find this cluster, as system properties. */
  public Map<String, String> clientProperties() {
    return Map.of(
        "kubernetes.master", apiUrl(),
        "kubernetes.namespace", NAMESPACE,
        "kubernetes.auth.tryKubeConfig", "false",
        "kubernetes.auth.tryServiceAccount", "false",
        "kubernetes.trust.certificates", "true");
  }

  /** The same as environment variables, for a server in a process of its own. */
  public Map<String, String> clientEnvironment() {
    var environment = new HashMap<String, String>();
    clientProperties()
        .forEach((name, value) -> environment.put(name.toUpperCase().replace('.', '_'), value));
    return environment;
  }

  public KubernetesClient client() {
    return client;
  }

  /** The names of the Jobs created so far, in order, repeats included. */
  public List<String> jobsCreated() {
    return List.copyOf(jobsCreated);
  }

  /** The Job's pod's process is killed by the kernel for its memory, as its cgroup limit would. */
  public void oomKill(String jobName) {
    end(jobName, "oom");
  }

  /** The Job's pod is evicted from its node (node pressure), its process killed. */
  public void evict(String jobName) {
    end(jobName, "evicted");
  }

  /** The Job's deadline (activeDeadlineSeconds) passes now: its pod is killed and deleted. */
  public void expireDeadline(String jobName) {
    end(jobName, "deadline");
  }

  /** The Job as the API server holds it, or null. */
  public Job job(String jobName) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(jobName).get();
  }

  /** The Secret as the API server holds it, or null. */
  public Secret secret(String name) {
    return client.secrets().inNamespace(NAMESPACE).withName(name).get();
  }

  /** Whether the Job's pod's process runs now. */
  public boolean running(String jobName) {
    RunningPod pod = podOf(jobName);
    return pod != null && pod.process != null && pod.process.isAlive();
  }

  private RunningPod podOf(String jobName) {
    for (RunningPod pod : pods.values()) {
      if (pod.jobName.equals(jobName)) {
        return pod;
      }
    }
    return null;
  }

  private void end(String jobName, String why) {
    RunningPod pod = podOf(jobName);
    if (pod == null) {
      throw new IllegalStateException("no pod for Job " + jobName);
    }
    pod.endedBy = why;
    if (pod.process != null) {
      pod.process.destroyForcibly();
    }
  }

  private void run() {
    while (!closed) {
      try {
        tick();
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!closed) {
          System.err.println("test kubelet: " + e);
        }
      }
    }
  }

  private void tick() {
    var jobs = client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems();
    var names = new java.util.HashSet<String>();
    for (Job job : jobs) {
      String name = job.getMetadata().getName();
      names.add(name);
      if (jobsSeen.add(name)) {
        jobsCreated.add(name);
        if (!image(job).startsWith("refused")) { // as a ResourceQuota would refuse its pod
          createPod(job);
        }
      }
    }
    for (RunningPod pod : List.copyOf(pods.values())) {
      if (!names.contains(pod.jobName)) {
        collect(pod); // the Job was deleted: its pod and Secret go with it
        continue;
      }
      Job job =
          jobs.stream()
              .filter(j -> j.getMetadata().getName().equals(pod.jobName))
              .findFirst()
              .orElseThrow();
      advance(job, pod);
    }
  }

  private void createPod(Job job) {
    String jobName = job.getMetadata().getName();
    String podName = jobName + "-" + Long.toString(System.nanoTime() % 100000, 36);
    var template = job.getSpec().getTemplate();
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(podName)
            .withLabels(template.getMetadata().getLabels())
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion("batch/v1")
                    .withKind("Job")
                    .withName(jobName)
                    .withUid(job.getMetadata().getUid())
                    .withController(true)
                    .build())
            .endMetadata()
            .withSpec(template.getSpec())
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    client.pods().inNamespace(NAMESPACE).resource(pod).create();
    logs.started(podName);
    pods.put(podName, new RunningPod(jobName, podName));
  }

  /** Moves the pod along: scheduled or not, its image pulled or not, its process started, ended. */
  private void advance(Job job, RunningPod pod) {
    if (pod.ended) {
      return;
    }
    String image = image(job);
    if (image.startsWith("unschedulable")) {
      setPodStatus(
          pod,
          "Pending",
          null,
          List.of(
              new PodConditionBuilder()
                  .withType("PodScheduled")
                  .withStatus("False")
                  .withReason("Unschedulable")
                  .withMessage("0/3 nodes are available: 3 Insufficient memory.")
                  .build()),
          null);
      return;
    }
    if (image.startsWith("unpullable")) {
      setContainer(
          pod,
          "Pending",
          null,
          new ContainerStateBuilder()
              .withNewWaiting()
              .withReason("ImagePullBackOff")
              .withMessage("Back-off pulling image \"" + image + "\"")
              .endWaiting()
              .build());
      return;
    }
    if (pod.process == null) {
      Secret secret = client.secrets().inNamespace(NAMESPACE).withName(pod.jobName).get();
      if (secret == null) {
        return; // the pod waits for its volume, as a kubelet does
      }
      start(job, pod, secret);
      return;
    }
    Long deadline = job.getSpec().getActiveDeadlineSeconds();
    if (deadline != null
        && pod.process.isAlive()
        && pod.created.plusSeconds(deadline).isBefore(Instant.now())) {
      pod.endedBy = "deadline";
      pod.process.destroyForcibly();
    }
    if (!pod.process.isAlive()) {
      finish(pod);
    }
  }

  private static String image(Job job) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  /** Someone deletes the Job by hand (kubectl delete job): its pod and Secret go with it. */
  public void deleteJob(String jobName) {
    client.batch().v1().jobs().inNamespace(NAMESPACE).withName(jobName).delete();
  }

  private void start(Job job, RunningPod pod, Secret secret) {
    try {
      pod.folder = Files.createDirectories(scratch.resolve(pod.podName));
      Path attempt = Files.createDirectories(pod.folder.resolve("attempt"));
      Path work = Files.createDirectories(pod.folder.resolve("work"));
      for (var entry : secret.getData().entrySet()) {
        Files.write(attempt.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue()));
      }
      var container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
      var command = new ArrayList<>(container.getCommand());
      command.set(0, TestPython.path()); // the image's python3: this machine's
      command.set(1, attempt.resolve(Path.of(command.get(1)).getFileName()).toString());
      var builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
      var environment = builder.environment();
      environment
          .keySet()
          .removeIf(name -> name.startsWith("PENSTOCK_") || name.startsWith("KUBERNETES_"));
      if (container.getEnv() != null) {
        for (EnvVar variable : container.getEnv()) {
          environment.put(variable.getName(), variable.getValue());
        }
      }
      environment.put("PENSTOCK_ATTEMPT_DIR", attempt.toString());
      environment.put("PENSTOCK_WORK_DIR", work.toString());
      environment.put("PENSTOCK_TERMINATION_LOG", pod.folder.resolve("termination-log").toString());
      pod.process = builder.start();
      Thread.ofVirtual().start(() -> pump(pod));
      setContainer(
          pod,
          "Running",
          null,
          new ContainerStateBuilder()
              .withNewRunning()
              .withStartedAt(Instant.now().toString())
              .endRunning()
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void pump(RunningPod pod) {
    try (var reader =
        new BufferedReader(
            new InputStreamReader(pod.process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        logs.append(pod.podName, line);
      }
    } catch (IOException e) {
      // the process was killed
    }
  }

  private void finish(RunningPod pod) {
    pod.ended = true;
    int exitCode = pod.process.exitValue();
    String message = "";
    try {
      Path termination = pod.folder.resolve("termination-log");
      message = Files.exists(termination) ? Files.readString(termination) : "";
    } catch (IOException e) {
      message = "";
    }
    String why = pod.endedBy;
    if ("evicted".equals(why)) {
      var pods = client.pods().inNamespace(NAMESPACE).withName(pod.podName);
      pods.editStatus(
          p -> {
            p.getStatus().setPhase("Failed");
            p.getStatus().setReason("Evicted");
            p.getStatus().setMessage("The node was low on resource: memory.");
            p.getStatus().setContainerStatuses(List.of());
            return p;
          });
      failJob(pod.jobName, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
      return;
    }
    if ("deadline".equals(why)) {
      client.pods().inNamespace(NAMESPACE).withName(pod.podName).delete();
      failJob(pod.jobName, "DeadlineExceeded", "Job was active longer than specified deadline");
      return;
    }
    boolean oom = "oom".equals(why);
    int code = oom ? 137 : exitCode;
    setContainer(
        pod,
        code == 0 ? "Succeeded" : "Failed",
        null,
        new ContainerStateBuilder()
            .withNewTerminated()
            .withExitCode(code)
            .withReason(oom ? "OOMKilled" : code == 0 ? "Completed" : "Error")
            .withMessage(message.isEmpty() ? null : message)
            .withFinishedAt(Instant.now().toString())
            .endTerminated()
            .build());
    if (code == 0) {
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(NAMESPACE)
          .withName(pod.jobName)
          .editStatus(
              j -> {
                if (j.getStatus() == null) {
                  j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
                }
                j.getStatus().setSucceeded(1);
                j.getStatus()
                    .setConditions(
                        List.of(
                            new JobConditionBuilder()
                                .withType("Complete")
                                .withStatus("True")
                                .build()));
                return j;
              });
    } else {
      failJob(pod.jobName, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
    }
  }

  private void failJob(String jobName, String reason, String message) {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(NAMESPACE)
        .withName(jobName)
        .editStatus(
            j -> {
              if (j.getStatus() == null) {
                j.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatus());
              }
              j.getStatus().setFailed(1);
              j.getStatus()
                  .setConditions(
                      List.of(
                          new JobConditionBuilder()
                              .withType("Failed")
                              .withStatus("True")
                              .withReason(reason)
                              .withMessage(message)
                              .build()));
              return j;
            });
  }

  private void setContainer(
      RunningPod pod,
      String phase,
      String reason,
      io.fabric8.kubernetes.api.model.ContainerState state) {
    setPodStatus(
        pod,
        phase,
        reason,
        null,
        new ContainerStatusBuilder()
            .withName("step")
            .withState(state)
            .withReady(state.getRunning() != null)
            .build());
  }

  private void setPodStatus(
      RunningPod pod,
      String phase,
      String reason,
      List<PodCondition> conditions,
      io.fabric8.kubernetes.api.model.ContainerStatus container) {
    client
        .pods()
        .inNamespace(NAMESPACE)
        .withName(pod.podName)
        .editStatus(
            p -> {
              p.getStatus().setPhase(phase);
              p.getStatus().setReason(reason);
              if (conditions != null) {
                p.getStatus().setConditions(conditions);
              }
              if (container != null) {
                p.getStatus().setContainerStatuses(List.of(container));
              }
              return p;
            });
  }

  /** The garbage collector: a deleted Job's pod is killed and goes, with its Secret. */
  private void collect(RunningPod pod) {
    pods.remove(pod.podName);
    if (pod.process != null) {
      pod.endedBy = "deleted";
      pod.process.destroyForcibly();
    }
    client.pods().inNamespace(NAMESPACE).withName(pod.podName).delete();
    client.secrets().inNamespace(NAMESPACE).withName(pod.jobName).delete();
  }

  @Override
  public void close() {
    closed = true;
    loop.interrupt();
    for (RunningPod pod : pods.values()) {
      if (pod.process != null) {
        pod.process.destroyForcibly();
      }
    }
    client.close();
    server.destroy();
  }
}
