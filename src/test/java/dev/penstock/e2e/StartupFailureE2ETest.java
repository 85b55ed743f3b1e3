package dev.penstock.e2e;

import static dev.penstock.testing.ApiAssertions.assertFails;
import static dev.penstock.testing.Steps.createPipeline;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.app.ConfigKey;
import dev.penstock.testing.ServerProcess;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.TestPython;
import dev.penstock.testing.TestServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings that cannot work stop `penstock server` with one line on stderr and a non-zero exit,
 * before it takes anything; a Python that goes away later is named in the error a request gets.
 */
class StartupFailureE2ETest {
  private static final Duration EXIT_WITHIN = Duration.ofSeconds(60);
  @TempDir Path home;

  /** Steps run as nobody here (we are root): they must pass through to the data directory. */
  @BeforeEach
  void let_steps_pass_through_home() throws Exception {
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
  }

  @Test
  void a_python_that_cannot_run_stops_start_up_in_one_line() throws Exception {
    Path dataDir = home.resolve("data");
    var exit =
        ServerProcess.runToExit(
            home,
            List.of(
                "--port", "0", "--python", "/usr/bin/python3.99", "--data-dir", dataDir.toString()),
            EXIT_WITHIN);
    assertThat(exit.code()).isNotZero();
    assertThat(exit.output()).hasSize(1);
    assertThat(exit.output().get(0))
        .startsWith("penstock: python=/usr/bin/python3.99: cannot start the step's Python")
        .contains("No such file or directory");
    assertThat(dataDir).doesNotExist();
  }

  @Test
  void a_taken_port_stops_start_up_in_one_line() throws Exception {
    try (var taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = taken.getLocalPort();
      var exit =
          ServerProcess.runToExit(
              home,
              List.of(
                  "--port",
                  String.valueOf(port),
                  "--python",
                  TestPython.path(),
                  "--data-dir",
                  home.resolve("data").toString()),
              EXIT_WITHIN);
      assertThat(exit.code()).isNotZero();
      assertThat(exit.output())
          .containsExactly(
              "penstock: cannot listen on 127.0.0.1:%d: Address already in use (is another server using port %d?)"
                  .formatted(port, port));
    }
  }

  @Test
  void a_python_gone_after_start_up_is_named_in_the_error_createPipelineStep_gives()
      throws Exception {
    Path python = home.resolve("python3");
    Files.createSymbolicLink(python, Path.of(TestPython.path()));
    try (var server = TestServer.start(Map.of(ConfigKey.PYTHON, python.toString()))) {
      var client = server.client();
      String pipelineId = createPipeline(client, "python_goes");
      StepRequest.named("before")
          .source("def f():\n    return 1\n")
          .function("f")
          .addTo(client, pipelineId);
      Files.delete(python);
      // The warm source inspector outlives its interpreter's file; end it as a crash would.
      ProcessHandle.current()
          .descendants()
          .filter(
              process ->
                  process.info().arguments().map(List::of).orElse(List.of()).contains("--inspect")
                      && process
                          .info()
                          .commandLine()
                          .orElse("")
                          .contains(server.dataDir().toString()))
          .forEach(
              inspector -> {
                inspector.destroyForcibly();
                inspector.onExit().join();
              });
      assertFails(
          () ->
              StepRequest.named("after")
                  .source("def f():\n    return 1\n")
                  .function("f")
                  .addTo(client, pipelineId),
          424,
          "FailedDependencyError",
          "cannot start Python " + python);
    }
  }
}
