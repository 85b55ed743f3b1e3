package dev.penstock.e2e.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a step must not reach, under each isolation this machine offers (the subclasses): it finds
 * none of the server's files, no other run's, and cannot signal or look into the server's
 * processes.
 */
abstract class IsolatedStepsE2ETest {

  abstract TestServer server();

  @Test
  void a_step_hunting_for_the_servers_keys_database_runner_and_other_runs_finds_none()
      throws Exception {
    Path data = server().dataDir().toRealPath();
    List<Long> forkServersBefore = StepHunt.forkServers(data);

    Map<String, String> found = StepHunt.run(server());

    assertThat(found).hasSizeGreaterThan(15);
    assertThat(found.entrySet())
        .allSatisfy(entry -> assertThat(entry.getValue()).as(entry.getKey()).startsWith("denied"));
    assertThat(data.resolve("server/decoy")).exists();
    assertThat(data.resolve("server/planted")).doesNotExist();
    assertThat(data.resolve("runner/sitecustomize.py")).doesNotExist();
    for (long pid : forkServersBefore) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
          .as("fork server")
          .hasValue(true);
    }
    assertThat(Files.readString(data.resolve("server/decoy"))).isEqualTo("a decoy");
  }
}
