package dev.penstock.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.app.ConfigKey;
import dev.penstock.app.ConfigLoader;
import dev.penstock.app.PenstockConfig;
import dev.penstock.model.StepPlacement;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The files that ship Penstock to Kubernetes ({@code deploy/}): every manifest under {@code
 * deploy/kubernetes} parses as the typed object it says it is, with no field the model does not
 * know, and the manifests agree with each other and with the server (its configuration keys, its
 * port, the paths it serves to probes). No cluster and no container runtime exist where tests run:
 * the manifests are only parsed with fabric8's model (no client, no API server), and the two
 * Dockerfiles are only read as text, never built. {@code docker build} and {@code kubectl apply
 * --dry-run=server} remain the real checks.
 */
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of("deploy");
  private static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
  private static final String MODEL_PACKAGE = "io.fabric8.kubernetes.api.model";

  /** Read by ./penstock and the image's entry point, not by the server: no config key. */
  private static final String JAVA_OPTS = "PENSTOCK_JAVA_OPTS";

  /** What Kubernetes gives a {@code fieldRef} to {@code status.podIP}: an address of the pod's. */
  private static final String POD_IP = "10.244.3.17";

  /** A reference to an earlier variable, {@code $(NAME)}, or its escape {@code $$}. */
  private static final Pattern VARIABLE_REFERENCE =
      Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private static List<Manifest> manifests;

  private record Manifest(Path file, HasMetadata object) {}

  @BeforeAll
  static void parse_every_manifest() throws IOException {
    var parsed = new ArrayList<Manifest>();
    for (Path file : yamlFiles()) {
      try (InputStream in = Files.newInputStream(file)) {
        Object document = Serialization.unmarshal(in);
        List<?> objects = document instanceof List<?> list ? list : List.of(document);
        for (Object object : objects) {
          assertThat(object).as(file.toString()).isInstanceOf(HasMetadata.class);
          parsed.add(new Manifest(file, (HasMetadata) object));
        }
      }
    }
    manifests = List.copyOf(parsed);
  }

  @Test
  void every_manifest_is_a_typed_kubernetes_object_without_unknown_fields_or_namespace() {
    assertThat(manifests)
        .extracting(manifest -> manifest.object().getKind())
        .containsExactlyInAnyOrder(
            "Deployment", "Role", "RoleBinding", "Secret", "Service", "ServiceAccount");
    for (Manifest manifest : manifests) {
      String where = manifest.file() + " (" + manifest.object().getKind() + ")";
      assertThat(manifest.object()).as(where).isNotInstanceOf(GenericKubernetesResource.class);
      assertThat(unknownFields(manifest.object(), manifest.object().getKind()))
          .as(where + ": a misspelt or misplaced field is kept aside, not applied")
          .isEmpty();
      assertThat(manifest.object().getMetadata().getNamespace())
          .as(where + ": applied with kubectl apply -n <ns>")
          .isNull();
    }
  }

  @Test
  void the_role_grants_exactly_what_step_jobs_need_and_nothing_more() {
    Role role = only(Role.class);
    assertThat(role.getMetadata().getName()).isEqualTo("penstock-steps");
    var grants = new ArrayList<String>();
    for (PolicyRule rule : role.getRules()) {
      assertThat(rule.getResourceNames()).as("resourceNames").isNullOrEmpty();
      assertThat(rule.getNonResourceURLs()).as("nonResourceURLs").isNullOrEmpty();
      for (String group : rule.getApiGroups()) {
        for (String resource : rule.getResources()) {
          for (String verb : rule.getVerbs()) {
            grants.add(group + "/" + resource + " " + verb);
          }
        }
      }
    }
    assertThat(grants)
        .containsExactlyInAnyOrder(
            "batch/jobs create",
            "batch/jobs get",
            "batch/jobs list",
            "batch/jobs watch",
            "batch/jobs delete",
            "/pods get",
            "/pods list",
            "/pods watch",
            "/pods/log get",
            "/secrets create",
            "/secrets get",
            "/secrets delete");
  }

  @Test
  void the_role_binding_gives_the_role_to_the_service_account_the_server_runs_as() {
    RoleBinding binding = only(RoleBinding.class);
    String account = podSpec().getServiceAccountName();
    assertThat(account).isEqualTo(only(ServiceAccount.class).getMetadata().getName());
    assertThat(binding.getRoleRef().getApiGroup()).isEqualTo("rbac.authorization.k8s.io");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(only(Role.class).getMetadata().getName());
    assertThat(binding.getSubjects()).hasSize(1);
    var subject = binding.getSubjects().getFirst();
    assertThat(subject.getKind()).isEqualTo("ServiceAccount");
    assertThat(subject.getName()).isEqualTo(account);
    assertThat(subject.getNamespace()).as("the binding's own namespace").isNull();
  }

  @Test
  void every_penstock_variable_of_the_deployment_names_a_config_key() {
    Set<String> known =
        Stream.concat(
                Arrays.stream(ConfigKey.values()).map(ConfigKey::envVar), Stream.of(JAVA_OPTS))
            .collect(Collectors.toSet());
    List<String> penstockVariables =
        server().getEnv().stream()
            .map(EnvVar::getName)
            .filter(name -> name.startsWith("PENSTOCK_"))
            .toList();
    assertThat(penstockVariables)
        .doesNotHaveDuplicates()
        .contains(
            "PENSTOCK_DB_URL", "PENSTOCK_DB_USER", "PENSTOCK_DB_PASSWORD", "PENSTOCK_EXECUTOR")
        .allSatisfy(
            name -> assertThat(known).as("%s is no configuration key", name).contains(name));
    assertThat(podSpec().getEnableServiceLinks())
        .as("a Service named penstock would put PENSTOCK_PORT=tcp://... into the environment")
        .isFalse();
  }

  @Test
  void the_server_loads_the_deployments_settings_as_a_kubernetes_executor_on_every_address() {
    PenstockConfig config = ConfigLoader.load(Map.of(), null, environment());
    Container server = server();
    int containerPort = server.getPorts().getFirst().getContainerPort();
    ServicePort servicePort = only(Service.class).getSpec().getPorts().getFirst();

    assertThat(config.executor()).isEqualTo(StepPlacement.Executor.KUBERNETES);
    assertThat(config.host()).isEqualTo("0.0.0.0");
    assertThat(config.port()).isEqualTo(containerPort);
    assertThat(config.databaseUrl()).startsWith("jdbc:postgresql://");
    assertThat(config.kubernetes().namespace()).as("the pod's own, which the Role covers").isNull();
    assertThat(config.kubernetes().image())
        .isEqualTo(ConfigKey.KUBERNETES_IMAGE.defaultValue())
        .isEqualTo("penstock-step:0.1.0");
    URI callBack = URI.create(config.kubernetes().serverUrl());
    assertThat(callBack.getScheme()).isEqualTo("http");
    assertThat(callBack.getHost())
        .as("step pods call back this server's own pod, ready or not, not the Service")
        .isEqualTo(POD_IP);
    assertThat(callBack.getPort()).isEqualTo(containerPort).isEqualTo(servicePort.getPort());

    var mounts =
        server.getVolumeMounts().stream().map(mount -> Path.of(mount.getMountPath())).toList();
    assertThat(mounts)
        .as("the data directory %s is on a volume", config.dataDir())
        .anySatisfy(mount -> assertThat(config.dataDir()).startsWithRaw(mount).isNotEqualTo(mount));
    assertThat(podSpec().getTerminationGracePeriodSeconds())
        .as("time to drain before Kubernetes kills the server")
        .isGreaterThan(config.drainGrace().toSeconds());
    assertThat(only(Deployment.class).getSpec().getReplicas()).isEqualTo(1);
    assertThat(only(Deployment.class).getSpec().getStrategy().getType())
        .as("one server at a time on one data directory (a ReadWriteOnce volume in its place)")
        .isEqualTo("Recreate");
    assertThat(server.getImage()).isEqualTo("penstock:0.1.0");
  }

  @Test
  void the_service_sends_to_the_server_pods_on_the_container_port() {
    Service service = only(Service.class);
    Deployment deployment = only(Deployment.class);
    Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getSelector())
        .isNotEmpty()
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
    var containerPort = server().getPorts().getFirst();
    ServicePort port = service.getSpec().getPorts().getFirst();
    assertThat(port.getPort()).isEqualTo(8080);
    assertThat(port.getTargetPort().getStrVal()).isEqualTo(containerPort.getName());
    assertThat(containerPort.getContainerPort()).isEqualTo(8080);
  }

  @Test
  void the_probes_ask_the_paths_the_server_serves_to_probes() {
    // dev.penstock.api.OpsRoutes serves /healthz (alive) and /readyz (503 while not ready).
    Container server = server();
    String portName = server.getPorts().getFirst().getName();
    assertProbe(server.getReadinessProbe(), "/readyz", portName);
    assertProbe(server.getLivenessProbe(), "/healthz", portName);
    assertProbe(server.getStartupProbe(), "/healthz", portName);
  }

  @Test
  void the_dockerfiles_build_the_jar_and_run_it_as_the_launcher_does() throws IOException {
    String server = Files.readString(DEPLOY.resolve("Dockerfile"));
    String launcher = Files.readString(Path.of("penstock"));
    assertThat(server)
        .contains("FROM maven:3.9-eclipse-temurin-21 AS build")
        .contains("COPY pom.xml ./")
        .contains("mvn -B -ntp -Dstyle.color=never -DskipTests package")
        .contains("FROM eclipse-temurin:21-jre")
        .contains("python3")
        .contains("COPY --from=build /src/target/penstock.jar /opt/penstock/penstock.jar")
        .contains("EXPOSE " + server().getPorts().getFirst().getContainerPort())
        .contains("USER " + podSpec().getSecurityContext().getRunAsUser() + ":")
        .contains("VOLUME /var/lib/penstock");
    String entryPoint =
        server.lines().filter(line -> line.startsWith("ENTRYPOINT")).findFirst().orElseThrow();
    for (String flag :
        List.of(
            "-XX:+UseSerialGC",
            "${PENSTOCK_JAVA_OPTS:--Xmx256m}",
            "--enable-native-access=ALL-UNNAMED -jar")) {
      assertThat(launcher).as("./penstock").contains(flag);
      assertThat(entryPoint).contains(flag);
    }
    assertThat(entryPoint)
        .contains("umask 077")
        .contains("--enable-native-access=ALL-UNNAMED -jar /opt/penstock/penstock.jar server");
    assertThat(DEPLOY.resolve("Dockerfile.dockerignore")).exists();

    String step = Files.readString(DEPLOY.resolve("step.Dockerfile"));
    assertThat(step)
        .contains("FROM python:3.12-slim")
        .contains("\"pandas==${PANDAS_VERSION}\"")
        .contains("\"pyarrow==${PYARROW_VERSION}\"")
        .contains("USER 1000:1000")
        .contains("WORKDIR /penstock/work")
        .contains(ConfigKey.KUBERNETES_IMAGE.defaultValue());
  }

  private static void assertProbe(Probe probe, String path, String portName) {
    assertThat(probe).isNotNull();
    assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
    assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo(portName);
  }

  /**
   * The server container's environment as the pod gets it: the example Secret's values, {@link
   * #POD_IP} for the pod's address, and each {@code $(NAME)} of a value expanded from the variables
   * listed before it, as Kubernetes does (a later or unknown one stays as written).
   */
  private static Map<String, String> environment() {
    var environment = new HashMap<String, String>();
    for (EnvVar variable : server().getEnv()) {
      if (variable.getValueFrom() == null) {
        environment.put(variable.getName(), expand(variable.getValue(), environment));
        continue;
      }
      if (variable.getValueFrom().getFieldRef() != null) {
        assertThat(variable.getValueFrom().getFieldRef().getFieldPath())
            .as(variable.getName() + ": the only field of the pod the server reads")
            .isEqualTo("status.podIP");
        environment.put(variable.getName(), POD_IP);
        continue;
      }
      SecretKeySelector reference = variable.getValueFrom().getSecretKeyRef();
      assertThat(reference).as(variable.getName() + " comes from a Secret").isNotNull();
      var secret =
          manifests.stream()
              .map(Manifest::object)
              .filter(Secret.class::isInstance)
              .map(Secret.class::cast)
              .filter(candidate -> candidate.getMetadata().getName().equals(reference.getName()))
              .findFirst();
      if (secret.isEmpty()) {
        assertThat(reference.getOptional()).as(variable.getName() + ": no such Secret").isTrue();
        continue;
      }
      environment.put(variable.getName(), secretValue(secret.get(), reference.getKey()));
    }
    return environment;
  }

  private static String expand(String value, Map<String, String> earlier) {
    if (value == null) {
      return null;
    }
    return VARIABLE_REFERENCE
        .matcher(value)
        .replaceAll(
            reference -> {
              String name = reference.group(1);
              String replacement =
                  name == null ? "$" : earlier.getOrDefault(name, reference.group());
              return Matcher.quoteReplacement(replacement);
            });
  }

  private static String secretValue(Secret secret, String key) {
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return secret.getStringData().get(key);
    }
    assertThat(secret.getData()).as(secret.getMetadata().getName()).containsKey(key);
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static PodSpec podSpec() {
    return only(Deployment.class).getSpec().getTemplate().getSpec();
  }

  private static Container server() {
    assertThat(podSpec().getContainers()).hasSize(1);
    return podSpec().getContainers().getFirst();
  }

  private static <T extends HasMetadata> T only(Class<T> type) {
    var found =
        manifests.stream().map(Manifest::object).filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.getFirst();
  }

  private static List<Path> yamlFiles() throws IOException {
    try (Stream<Path> paths = Files.walk(KUBERNETES)) {
      return paths
          .filter(path -> path.toString().endsWith(".yaml") || path.toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
  }

  /**
   * Where fabric8 kept fields it has no property for ({@code additionalProperties}), as paths below
   * {@code path}: what a typo in a manifest turns into, since parsing does not fail on it.
   */
  private static List<String> unknownFields(Object node, String path) {
    var found = new ArrayList<String>();
    if (node instanceof List<?> list) {
      for (int index = 0; index < list.size(); index++) {
        found.addAll(unknownFields(list.get(index), path + "[" + index + "]"));
      }
    } else if (node instanceof Map<?, ?> map) {
      map.forEach((key, value) -> found.addAll(unknownFields(value, path + "." + key)));
    } else if (node != null && node.getClass().getPackageName().startsWith(MODEL_PACKAGE)) {
      for (Class<?> type = node.getClass(); type != Object.class; type = type.getSuperclass()) {
        for (Field field : type.getDeclaredFields()) {
          if (Modifier.isStatic(field.getModifiers())) {
            continue;
          }
          Object value = read(field, node);
          if (field.getName().equals("additionalProperties")) {
            if (value instanceof Map<?, ?> extra) {
              extra.keySet().forEach(key -> found.add(path + "." + key));
            }
          } else {
            found.addAll(unknownFields(value, path + "." + field.getName()));
          }
        }
      }
    }
    return found;
  }

  private static Object read(Field field, Object owner) {
    try {
      field.setAccessible(true);
      return field.get(owner);
    } catch (IllegalAccessException e) {
      throw new AssertionError("cannot read " + field, e);
    }
  }
}
