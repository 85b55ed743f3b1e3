package dev.penstock.e2e;

import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static dev.penstock.testing.Steps.run;
import static dev.penstock.testing.Steps.stepVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.SharedFolders;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk for a few seconds, for real: the data directory (SQLite database, runner, step files)
 * is a small tmpfs that the test fills while a step runs, then frees. The step cannot write its
 * result and the database takes no writes; once there is space again the server carries on by
 * itself: the step runs again without using a retry and the run completes, and so does the next.
 * Mounting needs root, so elsewhere this test is skipped (EngineFaultTest covers the same with a
 * store that fails on demand).
 */
class FullDiskE2ETest {
  private static final String SOURCE =
      """
      import os, pathlib, time

      def wait_for_go(shared):
          folder = pathlib.Path(shared)
          (folder / "pid").write_text(os.readlink("/proc/self"))  # as the server sees it
          while not (folder / "go").exists():
              time.sleep(0.02)
          return 5

      def double(total):
          return total * 2
      """;

  @TempDir Path dataDir;
  private final Path shared = SharedFolders.create();
  private boolean mounted;
  private TestServer server;

  @BeforeEach
  void mount_a_small_tmpfs_as_the_data_directory() throws Exception {
    assumeTrue(root(), "mounting a tmpfs needs root");
    mounted = exec("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dataDir.toString()) == 0;
    assumeTrue(mounted, "this root may not mount a tmpfs (a container without CAP_SYS_ADMIN?)");
    server = TestServer.startOn(dataDir, Map.of());
  }

  @AfterEach
  void unmount() throws Exception {
    if (server != null) {
      server.stop();
    }
    if (mounted) {
      exec("umount", "-l", dataDir.toString()); // lazy: a fork server may still be on its way out
    }
  }

  @Test
  void a_run_caught_by_a_full_disk_completes_once_there_is_space_again_without_a_restart()
      throws Exception {
    AbacusClient client = server.client();
    String pipelineId = createPipeline(client, "full-disk");
    StepRequest.named("wait")
        .source(SOURCE)
        .function("wait_for_go")
        .input("shared", "STRING", shared.toString())
        .output("total", "INTEGER")
        .addTo(client, pipelineId);
    StepRequest.named("double")
        .source(SOURCE)
        .function("double")
        .fromVariable("total", "INTEGER", "total")
        .output("doubled", "INTEGER")
        .after("wait")
        .addTo(client, pipelineId);
    String versionId = run(client, pipelineId, List.of());
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(shared.resolve("pid")));
    long pid = Long.parseLong(Files.readString(shared.resolve("pid")));

    Path filler = fillTheDisk();
    Files.createFile(shared.resolve("go"));
    // The step returns, and its runner cannot write the result: the process ends without one.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true));
    // While the disk is full nothing can be recorded: the run waits, RUNNING, losing nothing.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> status(client, versionId).equals("RUNNING"));
    Files.delete(filler);

    JsonNode version = server.awaitFinished(versionId, Duration.ofSeconds(60));
    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(outputValue(version, "double", "doubled").asInt()).isEqualTo(10);
    JsonNode wait = stepVersion(version, "wait");
    assertThat(Steps.names(wait.path("attempts"), "status"))
        .containsExactly("INTERRUPTED", "COMPLETE");
    assertThat(wait.path("attempts").get(0).path("reason").asText())
        .contains("could not write result.json");
    // Every slot came back: another run gets through at once.
    Files.delete(shared.resolve("go"));
    Files.delete(shared.resolve("pid"));
    String next = run(client, pipelineId, List.of());
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(shared.resolve("pid")));
    Files.createFile(shared.resolve("go"));
    assertThat(server.awaitFinished(next, Duration.ofSeconds(30)).path("status").asText())
        .isEqualTo("COMPLETE");
  }

  private Path fillTheDisk() throws IOException {
    Path filler = dataDir.resolve("filler");
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).contains("No space left on device");
    }
    return filler;
  }

  private static String status(AbacusClient client, String versionId) {
    return client
        .call("describePipelineVersion", AbacusClient.params("pipelineVersion", versionId))
        .path("status")
        .asText();
  }

  private static boolean root() throws Exception {
    var process = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
    String uid = new String(process.getInputStream().readAllBytes()).trim();
    return process.waitFor() == 0 && uid.equals("0");
  }

  private static int exec(String... command) throws Exception {
    var process = new ProcessBuilder(command).inheritIO().start();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }
}
