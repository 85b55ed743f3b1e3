package dev.penstock.executor.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.StepLaunch;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Kubernetes objects of one attempt: a Job whose one pod runs penstock_pod.py in the step's
 * image, and a Secret it mounts, owned by the Job (so it goes with it), that holds the runner, the
 * runner's request, the attempt's token and environment, and the files of its working directory
 * (the run's modules, the stored values it reads), unless those are too large for a Secret: the pod
 * then fetches them from the server. Penstock owns retries ({@code backoffLimit: 0}, {@code
 * restartPolicy: Never}); Kubernetes enforces the timeout ({@code activeDeadlineSeconds}), the
 * memory (request = limit) and the CPU. Thread-safe: immutable.
 */
final class AttemptObjects {
  static final String ATTEMPT_MOUNT = "/penstock/attempt";
  static final String WORK_MOUNT = "/penstock/work";
  static final String POD_SCRIPT = "penstock_pod.py";
  static final String REQUEST_FILE = "request.json";
  static final List<String> RUNNER_FILES =
      List.of(POD_SCRIPT, "penstock_runner.py", "penstock_artifacts.py");

  /** Working-directory files beyond this many bytes travel through the server, not the Secret. */
  static final long SECRET_FILES_LIMIT = 512 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesSettings settings;
  private final Map<String, byte[]> runnerFiles;

  AttemptObjects(KubernetesSettings settings) {
    this.settings = settings;
    var files = new LinkedHashMap<String, byte[]>();
    for (String name : RUNNER_FILES) {
      files.put(name, resource(name));
    }
    this.runnerFiles = Map.copyOf(files);
  }

  /** The image the launch's pod runs: its pipeline's, else the server's. */
  String image(StepLaunch launch) {
    return launch.placement().image() != null ? launch.placement().image() : settings.image();
  }

  Job job(StepLaunch launch, String name) {
    var labels = labels(launch, name);
    var resources = new LinkedHashMap<String, Quantity>();
    resources.put("cpu", new Quantity(settings.cpu().get(launch.cpuSize())));
    if (launch.memoryGb() > 0) {
      resources.put("memory", new Quantity(launch.memoryGb() + "Gi"));
    }
    long deadline = launch.timeout() == null ? 0 : launch.timeout().toSeconds();
    return new JobBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withBackoffLimit(0)
        .withActiveDeadlineSeconds(deadline > 0 ? deadline : null)
        .withTtlSecondsAfterFinished(
            (int) Math.min(Integer.MAX_VALUE, settings.jobTtl().toSeconds()))
        .withNewTemplate()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withNewSecurityContext()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .endSecurityContext()
        .withAutomountServiceAccountToken(false)
        .withEnableServiceLinks(false)
        .addNewContainer()
        .withName(JobNames.CONTAINER)
        .withImage(image(launch))
        .withCommand("python3", ATTEMPT_MOUNT + "/" + POD_SCRIPT)
        .withWorkingDir(WORK_MOUNT)
        .withEnv(new EnvVar("PYTHONUNBUFFERED", "1", null))
        .withNewResources()
        .withRequests(resources)
        .withLimits(resources)
        .endResources()
        .withTerminationMessagePolicy("File")
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext()
        .addNewVolumeMount()
        .withName("attempt")
        .withMountPath(ATTEMPT_MOUNT)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("work")
        .withMountPath(WORK_MOUNT)
        .endVolumeMount()
        .endContainer()
        .addNewVolume()
        .withName("attempt")
        .withNewSecret()
        .withSecretName(name)
        .withDefaultMode(0444)
        .endSecret()
        .endVolume()
        .addNewVolume()
        .withName("work")
        .withNewEmptyDir()
        .endEmptyDir()
        .endVolume()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /**
   * Writes the runner's {@code request} into the attempt's working directory, where it travels with
   * the other files: in the Secret, or fetched from the server when they are too large.
   */
  static void writeRequest(StepLaunch launch, Map<String, Object> request) {
    try {
      Files.write(launch.workDir().resolve(REQUEST_FILE), json(request));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The attempt's Secret, owned by {@code job} once created, with the files of its working
   * directory (its request written there first); {@code token} is the attempt's, {@code serverUrl}
   * where its pod reaches the API.
   */
  Secret secret(StepLaunch launch, Job job, String token, String serverUrl) {
    var data = new LinkedHashMap<String, String>();
    runnerFiles.forEach((file, bytes) -> data.put(file, base64(bytes)));
    var files = workFiles(launch.workDir());
    long size = 0;
    for (Path file : files) {
      size += sizeOf(file);
    }
    boolean bundle = size > SECRET_FILES_LIMIT;
    var placed = new LinkedHashMap<String, String>();
    if (!bundle) {
      for (Path file : files) {
        String key = "file-" + placed.size();
        placed.put(key, relative(launch.workDir(), file));
        data.put(key, base64(read(file)));
      }
    }
    var pod = new LinkedHashMap<String, Object>();
    pod.put("server_url", serverUrl);
    pod.put("token", token);
    pod.put(
        "attempt_path", "/internal/attempts/" + launch.stepVersionId() + "/" + launch.attempt());
    pod.put("environment", podEnvironment(launch, serverUrl));
    pod.put(
        "requirements",
        launch.packageRequirements() == null ? List.of() : launch.packageRequirements());
    pod.put("files", placed);
    pod.put("bundle", bundle);
    pod.put("work_dir", WORK_MOUNT);
    data.put("pod.json", base64(json(pod)));
    OwnerReference owner =
        new OwnerReferenceBuilder()
            .withApiVersion("batch/v1")
            .withKind("Job")
            .withName(job.getMetadata().getName())
            .withUid(job.getMetadata().getUid())
            .withController(true)
            .build(); // no blockOwnerDeletion: it would need update on jobs/finalizers
    return new SecretBuilder()
        .withNewMetadata()
        .withName(job.getMetadata().getName())
        .withLabels(job.getMetadata().getLabels())
        .withOwnerReferences(owner)
        .endMetadata()
        .withType("Opaque")
        .withData(data)
        .build();
  }

  /**
   * The step's environment as its pod sees it: paths in the server's working directory moved to the
   * pod's, and the API at the URL the pod reaches.
   */
  Map<String, String> podEnvironment(StepLaunch launch, String serverUrl) {
    String local = launch.workDir().toAbsolutePath().toString();
    var environment = new LinkedHashMap<String, String>(settings.pipEnvironment());
    if (launch.environment() != null) {
      launch
          .environment()
          .forEach(
              (name, value) ->
                  environment.put(name, value == null ? null : value.replace(local, WORK_MOUNT)));
    }
    environment.put("ABACUS_API_SERVER", serverUrl);
    return environment;
  }

  private static Map<String, String> labels(StepLaunch launch, String name) {
    var environment =
        launch.environment() == null ? Map.<String, String>of() : launch.environment();
    return JobNames.labels(
        name,
        environment.get("ABACUS_PIPELINE_ID"),
        launch.runId(),
        environment.get("PENSTOCK_STEP_NAME"),
        launch.stepVersionId(),
        launch.attempt());
  }

  /** The plain files of the working directory, in a stable order. */
  static List<Path> workFiles(Path workDir) {
    try (Stream<Path> walk = Files.walk(workDir)) {
      // Links are not followed: only what the server itself put there travels.
      return new ArrayList<>(
          walk.filter(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
              .sorted()
              .toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String relative(Path workDir, Path file) {
    return workDir.relativize(file).toString().replace('\\', '/');
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the request could not be written as JSON", e);
    }
  }

  private static String base64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static byte[] resource(String name) {
    try (InputStream in = AttemptObjects.class.getResourceAsStream("/runner/" + name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
