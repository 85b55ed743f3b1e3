package dev.penstock.executor.kubernetes;

import dev.penstock.model.CpuSize;
import java.time.Duration;
import java.util.Map;

/**
 * How the Kubernetes executor runs steps: in {@code namespace} (null: the client's own, the pod's
 * namespace in a cluster), in {@code image} unless a pipeline names its own; {@code serverUrl} is
 * where a step's pod reaches the API (null: the server's own URL); {@code cpu} the CPU request and
 * limit of each cpuSize, as Kubernetes quantities; a finished Job stays {@code jobTtl}; a pod that
 * cannot be scheduled or whose image cannot be pulled fails its step after {@code pendingLimit};
 * every {@code resync} the Jobs are listed and compared with what the executor waits on.
 */
public record KubernetesSettings(
    String namespace,
    String image,
    String serverUrl,
    Map<CpuSize, String> cpu,
    Duration jobTtl,
    Duration pendingLimit,
    Duration resync) {

  public static final String DEFAULT_IMAGE = "penstock-step:0.1.0";

  public KubernetesSettings {
    cpu = Map.copyOf(cpu);
  }

  /** The defaults of the server's configuration keys. */
  public static KubernetesSettings defaults() {
    return new KubernetesSettings(
        null,
        DEFAULT_IMAGE,
        null,
        Map.of(CpuSize.SMALL, "1", CpuSize.MEDIUM, "2", CpuSize.LARGE, "4"),
        Duration.ofHours(1),
        Duration.ofMinutes(10),
        Duration.ofSeconds(30));
  }

  public KubernetesSettings withNamespace(String value) {
    return new KubernetesSettings(value, image, serverUrl, cpu, jobTtl, pendingLimit, resync);
  }

  public KubernetesSettings withServerUrl(String value) {
    return new KubernetesSettings(namespace, image, value, cpu, jobTtl, pendingLimit, resync);
  }

  public KubernetesSettings withPendingLimit(Duration value) {
    return new KubernetesSettings(namespace, image, serverUrl, cpu, jobTtl, value, resync);
  }

  public KubernetesSettings withResync(Duration value) {
    return new KubernetesSettings(namespace, image, serverUrl, cpu, jobTtl, pendingLimit, value);
  }
}
