package dev.penstock.app;

import dev.penstock.executor.kubernetes.KubernetesSettings;
import dev.penstock.executor.local.StepIsolation;
import dev.penstock.model.Isolation;
import dev.penstock.model.StepPlacement;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Every setting of a server, built once by {@link ConfigLoader}. {@code databaseUrl} null means the
 * embedded SQLite file in the data directory; {@code adminApiKey} null means "generate one"; {@code
 * stepUser} null means nobody when the server runs as root, else the server's own user; {@code
 * configFile} is the file the settings were read from, if any, which steps must not read.
 */
public record PenstockConfig(
    String host,
    int port,
    Path dataDir,
    String databaseUrl,
    String databaseUser,
    String databasePassword,
    String python,
    int parallelLimit,
    long logCapBytes,
    long maxBodyBytes,
    Duration heartbeatInterval,
    int heartbeatMissedLimit,
    Duration sweepInterval,
    Duration killGrace,
    Duration drainGrace,
    int retentionKeepLast,
    Duration retentionMaxAge,
    Duration retentionInterval,
    String adminApiKey,
    Duration scheduleTick,
    Isolation isolation,
    int workerMaxSteps,
    long pythonEnvsLimitBytes,
    long maxOutputBytes,
    long inlineOutputBytes,
    long maxArtifactBytes,
    String artifactStore,
    String s3Endpoint,
    int maxNameLength,
    long maxValueBytes,
    int maxJsonDepth,
    StepIsolation stepIsolation,
    String stepUser,
    String bwrapPath,
    List<Path> stepSharedDirs,
    int stepProcessLimit,
    long stepFileSizeLimitBytes,
    long stepDiskBudgetBytes,
    List<String> stepRequirements,
    Path configFile,
    boolean metricsRequireKey,
    Set<ServerRole> roles,
    StepPlacement.Executor executor,
    KubernetesSettings kubernetes) {

  /** The JDBC URL in force: the configured one, or SQLite in the data directory. */
  public String effectiveDatabaseUrl() {
    return databaseUrl != null
        ? databaseUrl
        : "jdbc:sqlite:" + DataLayout.database(dataDir).toAbsolutePath();
  }

  public boolean embeddedDatabase() {
    return databaseUrl == null || databaseUrl.startsWith("jdbc:sqlite:");
  }
}
