package dev.penstock.app;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Every setting of a server, built once by {@link ConfigLoader}. {@code databaseUrl} null means the
 * embedded SQLite file in the data directory; {@code adminApiKey} null means "generate one".
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
    int retentionKeepLast,
    Duration retentionMaxAge,
    Duration retentionInterval,
    String adminApiKey,
    Duration scheduleTick,
    boolean forkServer,
    long pythonEnvsLimitBytes,
    long maxOutputBytes,
    int maxNameLength,
    long maxValueBytes,
    int maxJsonDepth,
    boolean metricsRequireKey) {

  /** The JDBC URL in force: the configured one, or SQLite in the data directory. */
  public String effectiveDatabaseUrl() {
    return databaseUrl != null
        ? databaseUrl
        : "jdbc:sqlite:" + dataDir.resolve("penstock.db").toAbsolutePath();
  }

  public boolean embeddedDatabase() {
    return databaseUrl == null || databaseUrl.startsWith("jdbc:sqlite:");
  }
}
