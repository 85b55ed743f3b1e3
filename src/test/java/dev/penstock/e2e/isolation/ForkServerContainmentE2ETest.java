package dev.penstock.e2e.isolation;

import dev.penstock.app.ConfigKey;
import dev.penstock.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Steps forked by the fork server under Landlock, the default here. */
class ForkServerContainmentE2ETest extends StepContainmentE2ETest {
  private static final Map<ConfigKey, String> WAY =
      Map.of(ConfigKey.STEP_ISOLATION, "landlock", ConfigKey.FORK_SERVER, "true");

  @RegisterExtension static final TestServer server = TestServer.perClass(settings(WAY));

  @Override
  TestServer server() {
    return server;
  }

  @Override
  Map<ConfigKey, String> way() {
    return WAY;
  }
}
