package dev.penstock.testing;

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
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@link PenstockServer} on a free port with a temporary data directory and Debian's Python,
 * and an {@link AbacusClient} that holds its admin key.
 *
 * <p>One per test class: {@code @RegisterExtension static final TestServer server =
 * TestServer.perClass();} starts it before the class's first test and stops it after the last (the
 * field must be static, or JUnit never calls the class-level callbacks). For a test of its own,
 * {@code try (TestServer server = TestServer.start()) {...}}.
 */
public final class TestServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  public static final String ADMIN_KEY = "test-admin-key-0123456789";

  private final Map<ConfigKey, String> settings;
  private final InstantSource clock;
  private Path dataDir;
  private boolean ownsDataDir;
  private PenstockServer server;
  private AbacusClient client;

  private TestServer(Map<ConfigKey, String> overrides, InstantSource clock) {
    this.clock = clock;
    this.settings = new EnumMap<>(ConfigKey.class);
    settings.put(ConfigKey.PORT, "0");
    settings.put(ConfigKey.PYTHON, TestPython.path());
    settings.put(ConfigKey.ADMIN_API_KEY, ADMIN_KEY);
    settings.put(ConfigKey.PARALLEL_LIMIT, "2");
    settings.put(ConfigKey.KILL_GRACE, "2s");
    settings.put(ConfigKey.DRAIN_GRACE, "0s"); // tests stop servers with steps still running
    settings.put(ConfigKey.STEP_SHARED_DIRS, SharedFolders.root().toString());
    settings.putAll(overrides);
  }

  /**
   * The settings this server starts with (the tests' defaults and the overrides it was given) but
   * its data directory, so that another server started with them gets one of its own.
   */
  public Map<ConfigKey, String> settings() {
    var copy = new EnumMap<>(settings);
    copy.remove(ConfigKey.DATA_DIR);
    return copy;
  }

  public static TestServer start() {
    return start(Map.of());
  }

  public static TestServer start(Map<ConfigKey, String> overrides) {
    return start(overrides, InstantSource.system());
  }

  /** A server on a clock the test controls (a {@link java.time.InstantSource} it can move). */
  public static TestServer start(Map<ConfigKey, String> overrides, InstantSource clock) {
    var server = new TestServer(overrides, clock);
    server.startOnNewDataDir();
    return server;
  }

  /** A server on a data directory the test made (a small tmpfs, say); it is not deleted. */
  public static TestServer startOn(Path dataDir, Map<ConfigKey, String> overrides) {
    var server = new TestServer(overrides, InstantSource.system());
    server.dataDir = dataDir;
    server.settings.put(ConfigKey.DATA_DIR, dataDir.toString());
    server.restart();
    return server;
  }

  /** A server to register as a static {@code @RegisterExtension} field: one for the class. */
  public static TestServer perClass() {
    return perClass(Map.of());
  }

  public static TestServer perClass(Map<ConfigKey, String> overrides) {
    return new TestServer(overrides, InstantSource.system());
  }

  /** As {@link #perClass(Map)}, on a clock the test controls. */
  public static TestServer perClass(Map<ConfigKey, String> overrides, InstantSource clock) {
    return new TestServer(overrides, clock);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    startOnNewDataDir();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private void startOnNewDataDir() {
    try {
      dataDir = Files.createTempDirectory("penstock-test-");
      ownsDataDir = true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    settings.put(ConfigKey.DATA_DIR, dataDir.toString());
    restart();
  }

  /** Starts (again) on the same data directory, as an operator restarting the server would. */
  public void restart() {
    server = PenstockServer.start(ConfigLoader.load(settings, null, Map.of()), clock);
    client = new AbacusClient(url(), ADMIN_KEY);
  }

  public void stop() {
    if (server != null) {
      server.stop();
      server = null;
      client = null;
    }
  }

  public String url() {
    return server.url();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** A client with the admin key, the same one until the server is restarted. */
  public AbacusClient client() {
    if (client == null) {
      throw new IllegalStateException("the server is not running");
    }
    return client;
  }

  /** Polls describePipelineVersion until the run is neither PENDING nor RUNNING. */
  public JsonNode awaitFinished(String pipelineVersion, Duration timeout) {
    return Steps.awaitFinished(client(), pipelineVersion, timeout);
  }

  public JsonNode awaitFinished(String pipelineVersion) {
    return Steps.awaitFinished(client(), pipelineVersion);
  }

  /**
   * Stops the server and deletes the data directory it made. Left behind, they pile up in /tmp, and
   * a step sandbox holds a descriptor for every entry there.
   */
  @Override
  public void close() {
    stop();
    if (ownsDataDir) {
      try (var paths = Files.walk(dataDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      } catch (IOException | UncheckedIOException e) {
        // a file a step left unreadable stays; the next /tmp clean-up takes it
      }
      ownsDataDir = false;
    }
  }
}
