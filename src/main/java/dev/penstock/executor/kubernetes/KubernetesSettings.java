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
 * every {@code resync} the Jobs are listed and compared with what the executor waits on; pods get
 * {@code pipEnvironment} (pip's settings, PIP_INDEX_URL and its kin, as the server has them) to
 * install a step's packageRequirements.
 */
public record KubernetesSettings(
    String namespace,
    String image,
    String serverUrl,
    Map<CpuSize, String> cpu,
    Duration jobTtl,
    Duration pendingLimit,
    Duration resync,
    Map<String, String> pipEnvironment) {

  public KubernetesSettings {
    cpu = Map.copyOf(cpu);
    pipEnvironment = Map.copyOf(pipEnvironment);
  }
}
