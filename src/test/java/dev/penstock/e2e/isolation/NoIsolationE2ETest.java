package dev.penstock.e2e.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.app.ConfigKey;
import dev.penstock.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hunt with no isolation and steps running as root, as before issue 9: it reaches what the
 * isolated runs keep from it, which shows that their "denied" comes from the isolation and not from
 * a hunt that cannot find its targets. (It still cannot signal the server: a step's PID namespace
 * is not a matter of isolation.)
 */
class NoIsolationE2ETest {
  @RegisterExtension
  static final TestServer server =
      TestServer.perClass(Map.of(ConfigKey.STEP_ISOLATION, "none", ConfigKey.STEP_USER, "root"));

  @Test
  void without_isolation_a_step_running_as_root_reaches_the_servers_files_and_other_runs()
      throws Exception {
    Map<String, String> found = StepHunt.run(server);

    assertThat(found)
        .hasEntrySatisfying("admin key", value -> assertThat(value).contains(TestServer.ADMIN_KEY))
        .hasEntrySatisfying("run-key secret", value -> assertThat(value).startsWith("REACHED"))
        .hasEntrySatisfying("database", value -> assertThat(value).contains("SQLite format"))
        .hasEntrySatisfying(
            "other run's file", value -> assertThat(value).contains("another run's secret"))
        .hasEntrySatisfying(
            "decoy beside the database deleted", value -> assertThat(value).startsWith("REACHED"))
        .hasEntrySatisfying(
            "environment of " + ProcessHandle.current().pid(),
            value -> assertThat(value).startsWith("REACHED"));
    assertThat(server.dataDir().resolve("server/decoy")).doesNotExist();
  }
}
