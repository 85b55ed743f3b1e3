package dev.penstock.testing;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.app.ConfigKey;
import dev.penstock.app.ConfigLoader;
import dev.penstock.app.PenstockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * A real {@link PenstockServer} on a free port with a temporary data directory and Debian's Python,
 * and an {@link AbacusClient} that holds its admin key. Start one per test class.
 */
public final class TestServer implements AutoCloseable {
  public static final String ADMIN_KEY = "test-admin-key";
  private static final Set<String> OPEN = Set.of("PENDING", "RUNNING");

  private final Path dataDir;
  private final Map<ConfigKey, String> settings;
  private final InstantSource clock;
  private PenstockServer server;

  private TestServer(Path dataDir, Map<ConfigKey, String> overrides, InstantSource clock) {
    this.dataDir = dataDir;
    this.clock = clock;
    this.settings = new EnumMap<>(ConfigKey.class);
    settings.put(ConfigKey.PORT, "0");
    settings.put(ConfigKey.DATA_DIR, dataDir.toString());
    settings.put(ConfigKey.PYTHON, TestPython.path());
    settings.put(ConfigKey.ADMIN_API_KEY, ADMIN_KEY);
    settings.put(ConfigKey.PARALLEL_LIMIT, "2");
    settings.put(ConfigKey.KILL_GRACE, "2s");
    settings.putAll(overrides);
  }

  public static TestServer start() {
    return start(Map.of());
  }

  public static TestServer start(Map<ConfigKey, String> overrides) {
    return start(overrides, InstantSource.system());
  }

  /** A server on a clock the test controls (a {@link java.time.InstantSource} it can move). */
  public static TestServer start(Map<ConfigKey, String> overrides, InstantSource clock) {
    try {
      var server = new TestServer(Files.createTempDirectory("penstock-test-"), overrides, clock);
      server.restart();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts (again) on the same data directory, as an operator restarting the server would. */
  public void restart() {
    server = PenstockServer.start(ConfigLoader.load(settings, null, Map.of()), clock);
  }

  public void stop() {
    if (server != null) {
      server.stop();
      server = null;
    }
  }

  public String url() {
    return server.url();
  }

  public Path dataDir() {
    return dataDir;
  }

  public AbacusClient client() {
    return new AbacusClient(url(), ADMIN_KEY);
  }

  /** Polls describePipelineVersion until the run is neither PENDING nor RUNNING. */
  public JsonNode awaitFinished(String pipelineVersion, Duration timeout) {
    var client = client();
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              last[0] =
                  client.call(
                      "describePipelineVersion", Map.of("pipelineVersion", pipelineVersion));
              return !OPEN.contains(last[0].path("status").asText());
            });
    return last[0];
  }

  public JsonNode awaitFinished(String pipelineVersion) {
    return awaitFinished(pipelineVersion, Duration.ofSeconds(60));
  }

  @Override
  public void close() {
    stop();
  }
}
