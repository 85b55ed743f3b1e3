package dev.penstock.executor.local;

import static dev.penstock.executor.local.TestLaunches.launch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.StepOutcome;
import dev.penstock.testing.Processes;
import dev.penstock.testing.TestPython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Steps of a server that is not root: here its Python runs as nobody (through setpriv), with the
 * sandbox such a server gets. Without root, a step's PID namespace needs a user namespace of its
 * own, made by a process that then waits outside it; and since the step runs as the server's own
 * user, only Landlock keeps it from the server's files.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(ExecutorMode.class)
class NonRootStepsTest {
  private static final int NOBODY = 65534;

  @Parameter ExecutorMode mode;
  @TempDir Path root;
  private Path secret;
  private LocalProcessExecutor executor;

  @BeforeEach
  void create_executor() throws IOException {
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = Files.createDirectories(root.resolve("data"));
    secret = data.resolve("secret");
    Files.writeString(secret, "the server's secret");
    giveToNobody(data);
    Path python = root.resolve("python-as-nobody");
    Files.writeString(
        python,
        "#!/bin/sh\nexec setpriv --reuid=%d --regid=%d --clear-groups %s \"$@\"\n"
            .formatted(NOBODY, NOBODY, TestPython.path()));
    Files.setPosixFilePermissions(python, PosixFilePermissions.fromString("rwxr-xr-x"));
    var sandbox =
        new StepSandbox(
            StepIsolation.LANDLOCK,
            null,
            7,
            true,
            true,
            32,
            1 << 20,
            0,
            List.of(data),
            List.of(),
            null,
            null,
            List.of());
    executor = new LocalProcessExecutor(mode.settings(python, root).withSandbox(sandbox));
    giveToNobody(root.resolve("runner"));
    mode.warmUp(executor, root, workDir -> giveToNobody(Files.createDirectories(workDir)));
  }

  @AfterEach
  void close_executor() {
    executor.close();
  }

  @Test
  void a_step_running_as_the_servers_user_still_cannot_read_the_servers_files() throws Exception {
    String source =
        """
        def step(path):
            try:
                return open(path).read()
            except OSError as error:
                return "denied: " + type(error).__name__
        """;

    StepOutcome outcome =
        run(
            launch(
                root,
                source,
                java.util.Map.of(
                    "path", new com.fasterxml.jackson.databind.node.TextNode(secret.toString()))));

    assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
    assertThat(outcome.returned().asText()).isEqualTo("denied: PermissionError");
  }

  @Test
  void a_double_forked_daemon_is_gone_once_its_step_has_ended() throws Exception {
    String marker = "1000." + System.nanoTime();
    String source =
        """
        import os

        def step():
            ready, announce = os.pipe()
            if os.fork() == 0:
                os.setsid()
                if os.fork() == 0:
                    os.write(announce, b"x")
                    os.execv("/bin/sleep", ["sleep", "%s"])
                os._exit(0)
            os.read(ready, 1)
            return os.getpid()
        """
            .formatted(marker);

    StepOutcome outcome = run(launch(root, source));

    assertThat(outcome.succeeded()).as(outcome.toString()).isTrue();
    assertThat(outcome.returned().asInt()).as("init of its namespace").isEqualTo(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> !Processes.running("sleep", marker));
  }

  private StepOutcome run(StepLaunch launch) throws Exception {
    giveToNobody(Files.createDirectories(launch.workDir()));
    return executor.launch(launch).outcome().get(60, TimeUnit.SECONDS);
  }

  private static void giveToNobody(Path tree) throws IOException {
    for (Path directory = tree.getParent(); !directory.equals(Path.of("/tmp")); ) {
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
      directory = directory.getParent();
    }
    try (Stream<Path> paths = Files.walk(tree)) {
      for (Path path : paths.toList()) {
        Files.setAttribute(path, "unix:uid", NOBODY, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", NOBODY, LinkOption.NOFOLLOW_LINKS);
      }
    }
  }
}
