package dev.penstock.e2e.isolation;

import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.app.ConfigException;
import dev.penstock.app.ConfigKey;
import dev.penstock.app.ConfigLoader;
import dev.penstock.app.PenstockServer;
import dev.penstock.executor.local.SandboxProbe.Platform;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ServerProcess;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestPython;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Start-up and the step sandbox: an isolation that is asked for and unavailable stops the start
 * with one line (fail closed), and the server's secrets in its environment reach neither its fork
 * servers nor its steps.
 */
class IsolationStartupE2ETest {
  @TempDir Path home;

  /** A home a step running as nobody can pass through, as most are; one test closes its own. */
  @BeforeEach
  void openHome() throws Exception {
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
  }

  @Test
  void bubblewrap_asked_for_without_bwrap_stops_the_start_with_one_line() {
    var failure =
        ServerProcess.failToStart(
            home,
            List.of(
                "--data-dir",
                home.resolve("data").toString(),
                "--step-isolation",
                "bubblewrap",
                "--bwrap-path",
                "/nonexistent/bwrap"));

    assertThat(failure.code()).isEqualTo(2);
    assertThat(failure.output()).hasSize(1);
    assertThat(failure.output().get(0))
        .startsWith("penstock: step-isolation=bubblewrap: cannot run /nonexistent/bwrap")
        .contains("apt-get install bubblewrap");
  }

  @Test
  void landlock_asked_for_on_a_kernel_without_it_stops_the_start_with_one_line() {
    var config =
        ConfigLoader.load(
            Map.of(
                ConfigKey.PORT,
                "0",
                ConfigKey.DATA_DIR,
                home.resolve("data").toString(),
                ConfigKey.PYTHON,
                TestPython.path(),
                ConfigKey.STEP_ISOLATION,
                "landlock"),
            null,
            Map.of());

    assertThatThrownBy(() -> PenstockServer.start(config, IsolationStartupE2ETest::withoutLandlock))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "step-isolation=landlock: this kernel has no Landlock; choose bubblewrap, none or auto");
    // It gave back the data directory: a start that asks for what there is works.
    PenstockServer.start(
            ConfigLoader.load(
                Map.of(
                    ConfigKey.PORT,
                    "0",
                    ConfigKey.DATA_DIR,
                    home.resolve("data").toString(),
                    ConfigKey.PYTHON,
                    TestPython.path(),
                    ConfigKey.STEP_ISOLATION,
                    "auto"),
                null,
                Map.of()),
            IsolationStartupE2ETest::withoutLandlock)
        .stop();
  }

  @Test
  void a_data_directory_the_step_user_cannot_reach_stops_the_start_with_one_line()
      throws Exception {
    Path closed = Files.createDirectory(home.resolve("closed"));
    Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));

    var failure =
        ServerProcess.failToStart(home, List.of("--data-dir", closed.resolve("data").toString()));

    assertThat(failure.code()).isEqualTo(2);
    assertThat(failure.output())
        .containsExactly(
            "penstock: steps run as nobody (uid 65534), who cannot pass through "
                + closed
                + " (mode 700) to the data directory "
                + closed.resolve("data")
                + ": let them (chmod o+x "
                + closed
                + "), choose another --data-dir, or set --step-user");
  }

  @ParameterizedTest
  @ValueSource(strings = {"landlock", "bubblewrap"})
  void the_servers_secrets_in_its_environment_reach_neither_its_fork_servers_nor_its_steps(
      String isolation) throws Exception {
    Path data = home.resolve("data");
    var secrets =
        Map.of(
            "PENSTOCK_ADMIN_API_KEY", "admin-key-from-the-environment",
            "PENSTOCK_DB_PASSWORD", "database-password-from-the-environment");
    try (ServerProcess server =
        ServerProcess.startIn(
            home, List.of("--data-dir", data.toString(), "--step-isolation", isolation), secrets)) {
      AbacusClient client = new AbacusClient(server.url(), "admin-key-from-the-environment");
      String pipelineId = createPipeline(client, Steps.uniqueName("environment"));
      StepRequest.named("env")
          .source("import os\n\ndef env():\n    return dict(os.environ)\n")
          .function("env")
          .output("environment", "JSON")
          .addTo(client, pipelineId);
      JsonNode version = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));

      JsonNode environment = outputValue(version, "env", "environment");
      assertThat(environment.path("ABACUS_API_KEY").asText()).isNotEmpty();
      assertThat(environment.toString())
          .doesNotContain("admin-key-from-the-environment")
          .doesNotContain("database-password-from-the-environment");
      List<Long> forkServers = StepHunt.forkServers(data.toRealPath());
      // The fork server and its spares, which share its command line; bubblewrap has none.
      assertThat(forkServers.isEmpty()).isEqualTo(isolation.equals("bubblewrap"));
      for (long pid : forkServers) {
        assertThat(Files.readString(Path.of("/proc/" + pid + "/environ")))
            .contains("PENSTOCK_PARENT_PID")
            .doesNotContain("admin-key-from-the-environment")
            .doesNotContain("database-password-from-the-environment");
      }
    }
  }

  private static Platform withoutLandlock(Platform real) {
    return new Platform(
        0,
        real.root(),
        real.userNamespace(),
        real.pidNamespace(),
        real.interpreter(),
        real.interpreterReadable());
  }
}
