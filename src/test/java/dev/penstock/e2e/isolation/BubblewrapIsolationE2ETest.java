package dev.penstock.e2e.isolation;

import dev.penstock.app.ConfigKey;
import dev.penstock.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each step a fresh Python under bwrap, as nobody (.ci/run installs bubblewrap). */
class BubblewrapIsolationE2ETest extends IsolatedStepsE2ETest {
  @RegisterExtension
  static final TestServer server =
      TestServer.perClass(Map.of(ConfigKey.STEP_ISOLATION, "bubblewrap"));

  @Override
  TestServer server() {
    return server;
  }
}
