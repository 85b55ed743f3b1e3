package dev.penstock.e2e.isolation;

import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.app.ConfigException;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The data directory's layout and modes: the server's files in server/, private; the way to the
 * steps' working directories open only as far as a step running as nobody needs; and a data
 * directory of the old layout (everything at its top) moved in place at start, its runs intact.
 */
class DataDirLayoutE2ETest {
  private static final String SOURCE = "def hello():\n    print('hello')\n    return 'hi'\n";

  @Test
  void after_start_the_servers_files_are_private_and_the_way_to_steps_only_passable()
      throws IOException {
    try (TestServer server = TestServer.start()) {
      JsonNode version = runHello(server.client());
      Path data = server.dataDir();
      JsonNode step = version.path("stepVersions").get(0);
      Path runDir = data.resolve("runs").resolve(step.path("pipelineVersion").asText());
      Path stepDir = runDir.resolve(step.path("pipelineStepVersion").asText());
      Path workDir =
          runDir.resolve("work").resolve(step.path("pipelineStepVersion").asText() + "-1");

      assertThat(mode(data.resolve("server"))).isEqualTo("rwx------");
      try (Stream<Path> files = Files.list(data.resolve("server"))) {
        assertThat(files.toList())
            .extracting(path -> path.getFileName().toString())
            .contains("penstock.db", "penstock.db-wal", "run-key-secret", "admin-api-key");
      }
      try (Stream<Path> files = Files.list(data.resolve("server"))) {
        assertThat(files.toList())
            .allSatisfy(file -> assertThat(mode(file)).isEqualTo("rw-------"));
      }
      assertThat(mode(data.resolve("server.lock"))).isEqualTo("rw-------");
      assertThat(mode(data.resolve("runner"))).isEqualTo("rwx------");
      try (Stream<Path> files = Files.list(data.resolve("runner"))) {
        assertThat(files.filter(Files::isRegularFile).toList())
            .hasSizeGreaterThanOrEqualTo(4)
            .allSatisfy(file -> assertThat(mode(file)).isEqualTo("rw-------"));
      }
      for (Path passable :
          List.of(
              data,
              data.resolve("runs"),
              data.resolve("python-envs"),
              runDir,
              workDir.getParent())) {
        assertThat(mode(passable)).as(passable.toString()).isEqualTo("rwx--x--x");
      }
      assertThat(mode(stepDir.resolve("attempt-1"))).isEqualTo("rwx------");
      assertThat(owner(stepDir.resolve("attempt-1"))).isEqualTo(0);
      // The step's working directory, once it has ended, is the server's, beside its log.
      Path claimed = stepDir.resolve("attempt-1").resolve("work");
      assertThat(workDir).doesNotExist();
      assertThat(mode(claimed)).isEqualTo("rwx------");
      assertThat(owner(claimed)).isEqualTo(0);
    }
  }

  @Test
  void an_old_layout_data_directory_is_moved_in_place_and_its_runs_survive() throws IOException {
    try (TestServer server = TestServer.start()) {
      JsonNode before = runHello(server.client());
      server.stop();
      Path data = server.dataDir();
      toOldLayout(data);

      server.restart();

      assertThat(data.resolve("penstock.db")).doesNotExist();
      assertThat(data.resolve("server/penstock.db")).exists();
      assertThat(data.resolve("server/run-key-secret")).exists();
      String versionId = before.path("pipelineVersion").asText();
      AbacusClient client = server.client();
      JsonNode after =
          client.call(
              "describePipelineVersion",
              dev.penstock.testing.AbacusClient.params("pipelineVersion", versionId));
      assertThat(after.path("status").asText()).isEqualTo("COMPLETE");
      assertThat(outputValue(after, "hello", "greeting").asText()).isEqualTo("hi");
      assertThat(Steps.logs(client, after.path("stepVersions").get(0))).contains("hello");
      try (Stream<Path> paths = Files.walk(data.resolve("runs").resolve(versionId))) {
        assertThat(paths.filter(Files::isRegularFile).toList())
            .isNotEmpty()
            .allSatisfy(file -> assertThat(mode(file)).isEqualTo("rw-------"));
      }
      assertThat(runHello(client).path("status").asText()).isEqualTo("COMPLETE");
    }
  }

  @Test
  void a_file_in_both_layouts_stops_the_start_naming_it() throws IOException {
    try (TestServer server = TestServer.start()) {
      server.stop();
      Files.writeString(server.dataDir().resolve("run-key-secret"), "an older secret");

      assertThatThrownBy(server::restart)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(
              "has run-key-secret both at its top (the old layout) and in server/");
    }
  }

  private static JsonNode runHello(AbacusClient client) {
    String pipelineId = createPipeline(client, Steps.uniqueName("layout"));
    StepRequest.named("hello")
        .source(SOURCE)
        .function("hello")
        .output("greeting", "STRING")
        .addTo(client, pipelineId);
    JsonNode version = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));
    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    return version;
  }

  /** As a server before issue 9 left it: the server's files at the top, runs readable by all. */
  private static void toOldLayout(Path data) throws IOException {
    try (Stream<Path> files = Files.list(data.resolve("server"))) {
      for (Path file : files.toList()) {
        Files.move(file, data.resolve(file.getFileName()));
      }
    }
    Files.delete(data.resolve("server"));
    try (Stream<Path> paths = Files.walk(data.resolve("runs"))) {
      for (Path path : paths.toList()) {
        Files.setPosixFilePermissions(
            path,
            PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
      }
    }
  }

  private static String mode(Path path) {
    try {
      return PosixFilePermissions.toString(
          Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static int owner(Path path) throws IOException {
    return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }
}
