package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.createPipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.penstock.testing.EmbeddedPostgresServer;
import dev.penstock.testing.ServerProcess;
import dev.penstock.testing.SharedFolders;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real server processes on one real PostgreSQL database (issue 13, its first part): a cancel or
 * a reset sent to one reaches a step the other runs at once, through LISTEN/NOTIFY, where it used
 * to wait for a sweep (30 s by default) and a cancelled step ran on to its end.
 */
class ClusterControlE2ETest {
  private static final String WAITS =
      """
      import os, pathlib, time

      def wait(shared):
          # The pid the test sees: a step is PID 1 of a namespace of its own.
          pathlib.Path(shared, "pid").write_text(os.readlink("/proc/self"))
          time.sleep(120)
      """;

  @TempDir Path first;
  @TempDir Path second;
  private final Path shared = SharedFolders.create();

  @Test
  void a_cancel_sent_to_one_server_stops_the_step_another_runs_within_seconds() throws Exception {
    String database = EmbeddedPostgresServer.newDatabase();
    try (ServerProcess runner = ServerProcess.start(first, "--db-url", database);
        ServerProcess other = ServerProcess.start(second, "--db-url", database)) {
      String pipelineId = createPipeline(runner.client(), Steps.uniqueName("cluster"));
      StepRequest.named("wait")
          .source(WAITS)
          .function("wait")
          .input("shared", "STRING", shared.toString())
          .addTo(runner.client(), pipelineId);
      String versionId = Steps.run(runner.client(), pipelineId, List.of());
      Path pidFile = shared.resolve("pid");
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile));
      long pid = Long.parseLong(Files.readString(pidFile).strip());

      long sent = System.nanoTime();
      other.client().call("cancelPipelineVersion", params("pipelineVersion", versionId));

      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> ProcessHandle.of(pid).map(process -> !process.isAlive()).orElse(true));
      long stoppedMillis = (System.nanoTime() - sent) / 1_000_000;
      assertThat(stoppedMillis).as("from the cancel to the step's end, in ms").isLessThan(5000);
      assertThat(Steps.awaitFinished(runner.client(), versionId).path("status").asText())
          .isEqualTo("CANCELLED");
    }
  }
}
