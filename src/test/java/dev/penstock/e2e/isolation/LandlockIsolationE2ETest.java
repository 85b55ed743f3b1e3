package dev.penstock.e2e.isolation;

import dev.penstock.app.ConfigKey;
import dev.penstock.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Steps forked by the fork server, confined by Landlock, as nobody: the default as root here. */
class LandlockIsolationE2ETest extends IsolatedStepsE2ETest {
  @RegisterExtension
  static final TestServer server =
      TestServer.perClass(Map.of(ConfigKey.STEP_ISOLATION, "landlock"));

  @Override
  TestServer server() {
    return server;
  }
}
