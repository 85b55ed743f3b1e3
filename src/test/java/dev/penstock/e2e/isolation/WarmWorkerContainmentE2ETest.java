package dev.penstock.e2e.isolation;

import dev.penstock.app.ConfigKey;
import dev.penstock.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Steps run by warm workers under Landlock (isolation run, the default): each worker is confined to
 * its run's working directories, and whatever a step leaves running ends the worker with it.
 */
class WarmWorkerContainmentE2ETest extends StepContainmentE2ETest {
  private static final Map<ConfigKey, String> WAY =
      Map.of(ConfigKey.STEP_ISOLATION, "landlock", ConfigKey.ISOLATION, "run");

  @RegisterExtension static final TestServer server = TestServer.perClass(settings(WAY));

  @Override
  TestServer server() {
    return server;
  }
}
