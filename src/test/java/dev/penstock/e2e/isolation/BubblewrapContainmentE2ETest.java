package dev.penstock.e2e.isolation;

import dev.penstock.app.ConfigKey;
import dev.penstock.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A fresh Python per step under bwrap. */
class BubblewrapContainmentE2ETest extends StepContainmentE2ETest {
  private static final Map<ConfigKey, String> WAY =
      Map.of(ConfigKey.STEP_ISOLATION, "bubblewrap", ConfigKey.ISOLATION, "step");

  @RegisterExtension static final TestServer server = TestServer.perClass(settings(WAY));

  @Override
  TestServer server() {
    return server;
  }
}
