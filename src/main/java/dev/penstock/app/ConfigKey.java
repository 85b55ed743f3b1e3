package dev.penstock.app;

import java.util.Locale;

/**
 * Every configuration key with its default and meaning. A key has three mechanical spellings:
 * {@code data-dir} in a config file, {@code PENSTOCK_DATA_DIR} in the environment, {@code
 * --data-dir} on the command line. README.md lists them all; a test keeps the two in step.
 */
public enum ConfigKey {
  HOST("host", "127.0.0.1", "address to listen on"),
  PORT("port", "8080", "port to listen on; 0 takes a free port and prints the URL"),
  DATA_DIR("data-dir", "./penstock-data", "directory for the SQLite database, step files and keys"),
  DB_URL("db-url", "", "JDBC URL of the database; empty means SQLite in the data directory"),
  DB_USER("db-user", "", "database user (PostgreSQL)"),
  DB_PASSWORD("db-password", "", "database password (PostgreSQL)"),
  PYTHON("python", "python3", "Python interpreter that runs steps"),
  EXECUTOR(
      "executor",
      "local",
      "where steps run: local (a Python process on this machine) or kubernetes (a Job per attempt,"
          + " see the kubernetes-* keys); a pipeline may choose its own"),
  KUBERNETES_NAMESPACE(
      "kubernetes-namespace",
      "",
      "namespace of the step Jobs; empty means the server's own in a pod, else the kubeconfig's"),
  KUBERNETES_IMAGE(
      "kubernetes-image",
      "penstock-step:0.1.0",
      "container image steps run in (any image with python3); a pipeline may choose its own"),
  KUBERNETES_SERVER_URL(
      "kubernetes-server-url",
      "",
      "URL at which a step's pod reaches this server's API; empty means the server's own URL"),
  KUBERNETES_CPU(
      "kubernetes-cpu",
      "small=1,medium=2,large=4",
      "CPU request and limit of a step's pod for each cpuSize, as Kubernetes quantities"),
  KUBERNETES_JOB_TTL(
      "kubernetes-job-ttl", "1h", "how long a finished step Job and its pod stay to be inspected"),
  KUBERNETES_PENDING_LIMIT(
      "kubernetes-pending-limit",
      "10m",
      "how long a step's pod may stay unscheduled or without its image before the step fails"),
  KUBERNETES_RESYNC(
      "kubernetes-resync",
      "30s",
      "how often the step Jobs are listed and compared with what the server waits on"),
  ISOLATION(
      "isolation",
      "run",
      "which steps may share a Python process: run (a run's steps reuse warm workers), step (a"
          + " fresh fork per step) or process (a fresh interpreter per step); a pipeline may choose"
          + " its own"),
  WORKER_MAX_STEPS(
      "worker-max-steps",
      "500",
      "steps a warm worker runs (isolation run) before another takes over"),
  PYTHON_ENVS_LIMIT(
      "python-envs-limit",
      "10GB",
      "size of the cached package environments; past it the least recently used go"),
  PARALLEL_LIMIT(
      "parallel-limit",
      "",
      "slots for steps running at once; empty means the number of cores, or 64 with --executor"
          + " kubernetes (Jobs at once)"),
  LOG_CAP("log-cap", "10MB", "log kept per step attempt; past it the tail is kept"),
  MAX_OUTPUT_SIZE(
      "max-output-size",
      "10MB",
      "most JSON a step may return inline, beside what it passes by reference; more fails the step"),
  INLINE_OUTPUT_SIZE(
      "inline-output-size",
      "1MB",
      "a declared output whose JSON is larger is stored as an artifact and passed by reference"),
  MAX_ARTIFACT_SIZE(
      "max-artifact-size",
      "1GB",
      "largest artifact a step may produce (a value passed by reference, a file of its outputs"
          + " folder); a larger one fails the step"),
  ARTIFACT_STORE(
      "artifact-store",
      "",
      "where artifacts are kept: empty for the data directory, or s3://bucket/prefix (credentials"
          + " and region from the AWS environment)"),
  S3_ENDPOINT(
      "s3-endpoint",
      "",
      "URL of an S3-compatible store (MinIO, Ceph) in place of AWS's; objects are addressed by"
          + " path"),
  MAX_BODY_SIZE("max-body-size", "16MB", "largest request body accepted"),
  MAX_NAME_LENGTH(
      "max-name-length",
      "200",
      "longest name or id a request may give (pipeline, step, function, module), in characters"),
  MAX_VALUE_SIZE(
      "max-value-size",
      "8MB",
      "largest variable or literal input value a request may give, as JSON"),
  MAX_JSON_DEPTH(
      "max-json-depth", "100", "deepest nesting of JSON in a request parameter (at most 500)"),
  HEARTBEAT_INTERVAL("heartbeat-interval", "1s", "how often a server marks itself alive"),
  HEARTBEAT_MISSED_LIMIT(
      "heartbeat-missed-limit",
      "5",
      "missed heartbeats before a server is dead and its steps run elsewhere"),
  SWEEP_INTERVAL("sweep-interval", "30s", "how often the safety-net sweep runs"),
  KILL_GRACE("kill-grace", "10s", "time between SIGTERM and SIGKILL when a step is stopped"),
  DRAIN_GRACE(
      "drain-grace",
      "10s",
      "on SIGTERM, how long running steps may finish before they are handed back (0s: at once)"),
  RETENTION_KEEP_LAST(
      "retention-keep-last", "20", "finished runs kept per pipeline, however old (0: none)"),
  RETENTION_MAX_AGE(
      "retention-max-age", "30d", "finished runs younger than this are kept, however many"),
  RETENTION_INTERVAL("retention-interval", "1m", "how often old runs are pruned"),
  SCHEDULE_TICK("schedule-tick", "1s", "how often cron schedules are checked for due runs"),
  STEP_ISOLATION(
      "step-isolation",
      "auto",
      "how steps are kept from the server's files: landlock, bubblewrap, none, or auto (the"
          + " strongest available)"),
  STEP_USER(
      "step-user",
      "",
      "user steps run as when the server runs as root; empty means nobody (as root) or the"
          + " server's own user"),
  BWRAP_PATH("bwrap-path", "bwrap", "the bubblewrap binary, for step-isolation bubblewrap"),
  STEP_SHARED_DIRS(
      "step-shared-dirs",
      "",
      "directories every step may read and write besides its own, comma-separated; empty means"
          + " none"),
  STEP_PROCESS_LIMIT(
      "step-process-limit", "1024", "processes and threads a step may have at once (0: no limit)"),
  STEP_FILE_SIZE_LIMIT("step-file-size-limit", "1GB", "largest file a step may write"),
  STEP_DISK_BUDGET(
      "step-disk-budget",
      "10GB",
      "most a step may keep in its working directory; past it the step is stopped"),
  STEP_REQUIREMENTS(
      "step-requirements",
      "",
      "pip requirements every step gets besides its own packageRequirements, comma-separated (such"
          + " as abacusai, for ApiClient() in steps); empty means none"),
  ADMIN_API_KEY(
      "admin-api-key",
      "",
      "an admin API key (16+ characters) added at start unless it exists; empty: one is generated at"
          + " first start"),
  ROLES(
      "roles",
      "api,worker",
      "what this server does: api (serve the API and web UI), worker (run steps), or both; one"
          + " alone needs a PostgreSQL database other servers share"),
  METRICS_REQUIRE_KEY(
      "metrics-require-key",
      "false",
      "whether /metrics asks for an API key (the apiKey header or Authorization: Bearer)");

  private final String key;
  private final String defaultValue;
  private final String meaning;

  ConfigKey(String key, String defaultValue, String meaning) {
    this.key = key;
    this.defaultValue = defaultValue;
    this.meaning = meaning;
  }

  public String key() {
    return key;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String meaning() {
    return meaning;
  }

  public String envVar() {
    return "PENSTOCK_" + key.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  public String flag() {
    return "--" + key;
  }
}
