package dev.penstock.app;

import dev.penstock.engine.access.ApiKeys;
import dev.penstock.executor.kubernetes.KubernetesSettings;
import dev.penstock.executor.local.StepIsolation;
import dev.penstock.executor.python.RequirementSet;
import dev.penstock.model.CpuSize;
import dev.penstock.model.Isolation;
import dev.penstock.model.StepPlacement;
import dev.penstock.store.s3.S3Location;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the {@link PenstockConfig}, layering lowest first: built-in defaults, the config file
 * ({@code --config FILE}, Java properties), the environment, command-line flags. The only class
 * that reads the environment. A bad value stops start-up naming key, value and source. Thread-safe.
 */
public final class ConfigLoader {
  private static final int KUBERNETES_PARALLEL_LIMIT = 64;
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  private record Setting(String value, String source) {}

  private final Map<ConfigKey, Setting> settings = new EnumMap<>(ConfigKey.class);
  private Path configFile;
  private final Map<String, String> pipEnvironment = new java.util.TreeMap<>();

  private ConfigLoader() {}

  /**
   * {@code flags} maps keys to values given on the command line; {@code configFile} may be null.
   */
  public static PenstockConfig load(
      Map<ConfigKey, String> flags, Path configFile, Map<String, String> env) {
    var loader = new ConfigLoader();
    for (ConfigKey key : ConfigKey.values()) {
      loader.settings.put(key, new Setting(key.defaultValue(), "default"));
    }
    if (configFile != null) {
      loader.readFile(configFile);
      loader.configFile = configFile.toAbsolutePath().normalize();
    }
    for (ConfigKey key : ConfigKey.values()) {
      String value = env.get(key.envVar());
      if (value != null) {
        loader.settings.put(key, new Setting(value, key.envVar()));
      }
    }
    flags.forEach((key, value) -> loader.settings.put(key, new Setting(value, key.flag())));
    env.forEach(
        (name, value) -> {
          if (name.startsWith("PIP_")) {
            loader.pipEnvironment.put(name, value); // for pip in the Kubernetes executor's pods
          }
        });
    return loader.build();
  }

  public static PenstockConfig fromEnvironment(Map<ConfigKey, String> flags, Path configFile) {
    return load(flags, configFile, System.getenv());
  }

  private void readFile(Path file) {
    var properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    for (String name : properties.stringPropertyNames()) {
      ConfigKey key = byName(name, file);
      settings.put(key, new Setting(properties.getProperty(name).trim(), file.toString()));
    }
  }

  private static ConfigKey byName(String name, Path file) {
    for (ConfigKey key : ConfigKey.values()) {
      if (key.key().equals(name)) {
        return key;
      }
    }
    throw new ConfigException("unknown key '" + name + "' in " + file);
  }

  private PenstockConfig build() {
    return new PenstockConfig(
        text(ConfigKey.HOST),
        integer(ConfigKey.PORT, 0, 65535),
        Path.of(text(ConfigKey.DATA_DIR)).toAbsolutePath().normalize(),
        optional(ConfigKey.DB_URL),
        optional(ConfigKey.DB_USER),
        optional(ConfigKey.DB_PASSWORD),
        text(ConfigKey.PYTHON),
        parallelLimit(),
        size(ConfigKey.LOG_CAP),
        size(ConfigKey.MAX_BODY_SIZE),
        duration(ConfigKey.HEARTBEAT_INTERVAL),
        integer(ConfigKey.HEARTBEAT_MISSED_LIMIT, 1, 1000),
        duration(ConfigKey.SWEEP_INTERVAL),
        duration(ConfigKey.KILL_GRACE),
        duration(ConfigKey.DRAIN_GRACE, 0),
        integer(ConfigKey.RETENTION_KEEP_LAST, 0, 1_000_000),
        duration(ConfigKey.RETENTION_MAX_AGE),
        duration(ConfigKey.RETENTION_INTERVAL),
        adminApiKey(),
        duration(ConfigKey.SCHEDULE_TICK),
        processIsolation(ConfigKey.ISOLATION),
        integer(ConfigKey.WORKER_MAX_STEPS, 1, 1_000_000),
        size(ConfigKey.PYTHON_ENVS_LIMIT),
        size(ConfigKey.MAX_OUTPUT_SIZE),
        size(ConfigKey.INLINE_OUTPUT_SIZE),
        size(ConfigKey.MAX_ARTIFACT_SIZE),
        artifactStore(),
        s3Endpoint(),
        integer(ConfigKey.MAX_NAME_LENGTH, 1, 65_536),
        size(ConfigKey.MAX_VALUE_SIZE),
        integer(ConfigKey.MAX_JSON_DEPTH, 1, 500),
        isolation(ConfigKey.STEP_ISOLATION),
        optional(ConfigKey.STEP_USER),
        text(ConfigKey.BWRAP_PATH),
        paths(ConfigKey.STEP_SHARED_DIRS),
        integer(ConfigKey.STEP_PROCESS_LIMIT, 0, 1_000_000),
        size(ConfigKey.STEP_FILE_SIZE_LIMIT),
        size(ConfigKey.STEP_DISK_BUDGET),
        requirements(ConfigKey.STEP_REQUIREMENTS),
        configFile,
        bool(ConfigKey.METRICS_REQUIRE_KEY),
        roles(),
        StepPlacement.Executor.fromWire(text(ConfigKey.EXECUTOR))
            .orElseThrow(() -> bad(ConfigKey.EXECUTOR, "expected local or kubernetes")),
        kubernetes());
  }

  /** As configured; else the cores, or, for Jobs that run on the cluster's nodes, 64. */
  private int parallelLimit() {
    if (optional(ConfigKey.PARALLEL_LIMIT) != null) {
      return integer(ConfigKey.PARALLEL_LIMIT, 1, 4096);
    }
    return text(ConfigKey.EXECUTOR).equals(StepPlacement.Executor.KUBERNETES.wireName())
        ? KUBERNETES_PARALLEL_LIMIT
        : Runtime.getRuntime().availableProcessors();
  }

  private KubernetesSettings kubernetes() {
    String serverUrl = optional(ConfigKey.KUBERNETES_SERVER_URL);
    if (serverUrl != null && !serverUrl.matches("https?://[^\\s/]+(/\\S*)?")) {
      throw bad(ConfigKey.KUBERNETES_SERVER_URL, "expected an http:// or https:// URL");
    }
    String image = text(ConfigKey.KUBERNETES_IMAGE);
    if (!image.matches("\\S+")) {
      throw bad(ConfigKey.KUBERNETES_IMAGE, "expected an image reference without spaces");
    }
    return new KubernetesSettings(
        optional(ConfigKey.KUBERNETES_NAMESPACE),
        image,
        serverUrl,
        cpuSizes(),
        duration(ConfigKey.KUBERNETES_JOB_TTL),
        duration(ConfigKey.KUBERNETES_PENDING_LIMIT),
        duration(ConfigKey.KUBERNETES_RESYNC),
        pipEnvironment);
  }

  /** A quantity for every cpuSize, such as small=500m,medium=1,large=2. */
  private Map<CpuSize, String> cpuSizes() {
    var sizes = new EnumMap<CpuSize, String>(CpuSize.class);
    for (String pair : text(ConfigKey.KUBERNETES_CPU).split(",")) {
      String[] parts = pair.split("=", 2);
      var size = CpuSize.parse(parts[0]);
      if (parts.length != 2 || size.isEmpty() || !parts[1].trim().matches("\\d+(\\.\\d+)?m?")) {
        throw bad(
            ConfigKey.KUBERNETES_CPU,
            "expected small=1,medium=2,large=4 (quantities: 2, 0.5, 500m)");
      }
      sizes.put(size.get(), parts[1].trim());
    }
    if (sizes.size() != CpuSize.values().length) {
      throw bad(
          ConfigKey.KUBERNETES_CPU, "expected a quantity for each of small, medium and large");
    }
    return sizes;
  }

  /** An s3:// location, or null for the data directory. */
  private String artifactStore() {
    String value = optional(ConfigKey.ARTIFACT_STORE);
    if (value != null) {
      try {
        S3Location.parse(value);
      } catch (IllegalArgumentException e) {
        throw bad(ConfigKey.ARTIFACT_STORE, e.getMessage());
      }
    }
    return value;
  }

  /** An http(s) URL, or null for AWS's own endpoints. */
  private String s3Endpoint() {
    String value = optional(ConfigKey.S3_ENDPOINT);
    if (value == null) {
      return null;
    }
    try {
      var uri = new URI(value);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw bad(ConfigKey.S3_ENDPOINT, "expected an http:// or https:// URL");
      }
    } catch (URISyntaxException e) {
      throw bad(ConfigKey.S3_ENDPOINT, "not a URL: " + e.getMessage());
    }
    if (optional(ConfigKey.ARTIFACT_STORE) == null) {
      throw bad(ConfigKey.S3_ENDPOINT, "it needs --artifact-store s3://bucket/prefix");
    }
    return value;
  }

  /** The operator's admin key, checked without ever printing it. */
  private String adminApiKey() {
    String value = optional(ConfigKey.ADMIN_API_KEY);
    if (value != null
        && (value.length() < ApiKeys.MIN_CHOSEN_KEY_LENGTH
            || !value.chars().allMatch(c -> c > ' ' && c < 127))) {
      throw new ConfigException(
          "%s (from %s): expected at least %d printable characters without spaces"
              .formatted(
                  ConfigKey.ADMIN_API_KEY.key(),
                  settings.get(ConfigKey.ADMIN_API_KEY).source(),
                  ApiKeys.MIN_CHOSEN_KEY_LENGTH));
    }
    return value;
  }

  /** The roles named, each at most once; one alone only on a database servers share. */
  private Set<ServerRole> roles() {
    var roles = EnumSet.noneOf(ServerRole.class);
    for (String name : text(ConfigKey.ROLES).split(",")) {
      roles.add(
          ServerRole.named(name)
              .orElseThrow(() -> bad(ConfigKey.ROLES, "expected api, worker or api,worker")));
    }
    String url = optional(ConfigKey.DB_URL);
    if (roles.size() == 1 && (url == null || url.startsWith("jdbc:sqlite:"))) {
      throw bad(
          ConfigKey.ROLES,
          "a server with one role needs others beside it on a shared PostgreSQL database"
              + " (--db-url jdbc:postgresql://...); alone on SQLite it must have both");
    }
    return Set.copyOf(roles);
  }

  private List<String> requirements(ConfigKey key) {
    String value = optional(key);
    if (value == null) {
      return List.of();
    }
    var specifiers =
        Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    try {
      RequirementSet.of(specifiers);
    } catch (IllegalArgumentException e) {
      throw bad(key, e.getMessage());
    }
    return specifiers;
  }

  private List<Path> paths(ConfigKey key) {
    String value = optional(key);
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(","))
        .map(String::trim)
        .filter(path -> !path.isEmpty())
        .map(path -> Path.of(path).toAbsolutePath().normalize())
        .toList();
  }

  private StepIsolation isolation(ConfigKey key) {
    try {
      return StepIsolation.parse(text(key));
    } catch (IllegalArgumentException e) {
      throw bad(key, "expected auto, landlock, bubblewrap or none");
    }
  }

  private Isolation processIsolation(ConfigKey key) {
    return Isolation.fromWire(text(key).toLowerCase(Locale.ROOT))
        .orElseThrow(() -> bad(key, "expected run, step or process"));
  }

  private boolean bool(ConfigKey key) {
    return switch (text(key).toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw bad(key, "expected true or false");
    };
  }

  private String text(ConfigKey key) {
    String value = settings.get(key).value().trim();
    if (value.isEmpty()) {
      throw bad(key, "expected a value");
    }
    return value;
  }

  private String optional(ConfigKey key) {
    String value = settings.get(key).value().trim();
    return value.isEmpty() ? null : value;
  }

  private int integer(ConfigKey key, int min, int max) {
    try {
      int value = Integer.parseInt(text(key));
      if (value < min || value > max) {
        throw bad(key, "expected a whole number from " + min + " to " + max);
      }
      return value;
    } catch (NumberFormatException e) {
      throw bad(key, "expected a whole number from " + min + " to " + max);
    }
  }

  private long size(ConfigKey key) {
    var matcher = SIZE.matcher(text(key));
    if (!matcher.matches()) {
      throw bad(key, "expected a size such as 10MB");
    }
    long number = Long.parseLong(matcher.group(1));
    String unit = matcher.group(2) == null ? "B" : matcher.group(2).toUpperCase(Locale.ROOT);
    long factor =
        switch (unit) {
          case "KB" -> 1024L;
          case "MB" -> 1024L * 1024;
          case "GB" -> 1024L * 1024 * 1024;
          default -> 1L;
        };
    if (number < 1) {
      throw bad(key, "expected a size of at least 1 byte");
    }
    return number * factor;
  }

  private Duration duration(ConfigKey key) {
    return duration(key, 1);
  }

  /** A duration of at least {@code least} of its unit (0 lets it be none at all). */
  private Duration duration(ConfigKey key, long least) {
    var matcher = DURATION.matcher(text(key));
    if (!matcher.matches() || Long.parseLong(matcher.group(1)) < least) {
      throw bad(
          key,
          least == 0
              ? "expected a duration such as 10s or 0s (units: ms, s, m, h, d)"
              : "expected a duration such as 10s (units: ms, s, m, h, d)");
    }
    long number = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
      case "ms" -> Duration.ofMillis(number);
      case "s" -> Duration.ofSeconds(number);
      case "m" -> Duration.ofMinutes(number);
      case "h" -> Duration.ofHours(number);
      default -> Duration.ofDays(number);
    };
  }

  private ConfigException bad(ConfigKey key, String expectation) {
    Setting setting = settings.get(key);
    return new ConfigException(
        "%s=%s (from %s): %s".formatted(key.key(), setting.value(), setting.source(), expectation));
  }
}
