package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.createPipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Retention with a short window: only the newest runs of each pipeline stay, their files go with
 * them, an open run is never deleted, and the database file stops growing while runs go on.
 */
class RetentionE2ETest {
  @RegisterExtension
  static final TestServer server =
      TestServer.perClass(
          Map.of(
              ConfigKey.RETENTION_KEEP_LAST, "2",
              ConfigKey.RETENTION_MAX_AGE, "1ms",
              ConfigKey.RETENTION_INTERVAL, "100ms"));

  private final AbacusClient client = server.client();

  private List<String> versions(String pipelineId) {
    return Steps.names(
        client.call("listPipelineVersions", params("pipelineId", pipelineId, "limit", 200)),
        "pipelineVersion");
  }

  private String runToTheEnd(String pipelineId) {
    String versionId = Steps.run(client, pipelineId, List.of());
    Steps.awaitFinished(client, versionId);
    return versionId;
  }

  @Test
  void only_the_newest_runs_are_kept_with_their_files_and_an_open_run_is_never_deleted()
      throws Exception {
    String pipelineId = createPipeline(client, Steps.uniqueName("retained"));
    StepRequest.named("hello")
        .source(
            "import os\n\ndef hello():\n    print('hello')\n"
                + "    with open(os.environ['PENSTOCK_OUTPUTS_DIR'] + '/hello.txt', 'w') as out:\n"
                + "        out.write('hello')\n    return 1\n")
        .function("hello")
        .addTo(client, pipelineId);
    var finished = new ArrayList<String>();
    for (int i = 0; i < 5; i++) {
      finished.add(runToTheEnd(pipelineId));
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> versions(pipelineId).equals(List.of(finished.get(4), finished.get(3))));
    Path runs = server.dataDir().resolve("runs");
    assertThat(runs.resolve(finished.get(0))).doesNotExist();
    assertThat(runs.resolve(finished.get(4))).exists();
    // A run's artifacts go with it: their rows and files.
    assertThat(
            client
                .call("listPipelineVersionArtifacts", params("pipelineVersion", finished.get(4)))
                .findValuesAsText("name"))
        .containsExactly("hello.txt");
    assertThatThrownBy(
            () ->
                client.call(
                    "listPipelineVersionArtifacts", params("pipelineVersion", finished.get(0))))
        .hasMessageContaining("not found");
    Steps.awaitFinished(client, finished.get(4));

    String waiting = createPipeline(client, Steps.uniqueName("open"));
    Path release = server.dataDir().resolve("release-" + waiting);
    StepRequest.named("wait")
        .source(
            "import os, time\n\ndef wait(path):\n    while not os.path.exists(path):\n"
                + "        time.sleep(0.05)\n")
        .function("wait")
        .input("path", "STRING", release.toString())
        .addTo(client, waiting);
    String open = Steps.run(client, waiting, List.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> status(open).equals("RUNNING"));
    // Three later runs make the open one the oldest of four, past the two that are kept.
    var later = new ArrayList<String>();
    for (int i = 0; i < 3; i++) {
      later.add(Steps.run(client, waiting, List.of()));
    }
    await()
        .during(Duration.ofMillis(500))
        .atMost(Duration.ofSeconds(5))
        .until(() -> versions(waiting).contains(open));
    assertThat(status(open)).isEqualTo("RUNNING");
    Files.writeString(release, "go");
    // Once ended, the open run and the oldest later one are past retention and go.
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> versions(waiting).equals(List.of(later.get(2), later.get(1))));
    assertThat(versions(waiting)).doesNotContain(open);
  }

  private String status(String versionId) {
    return client
        .call("describePipelineVersion", params("pipelineVersion", versionId))
        .path("status")
        .asText();
  }

  @Test
  void the_database_file_stops_growing_while_runs_go_on() throws Exception {
    String pipelineId = createPipeline(client, Steps.uniqueName("steady"));
    StepRequest.named("noisy")
        .source("def noisy():\n    print('x' * 2000)\n    return {'data': 'y' * 5000}\n")
        .function("noisy")
        .output("data", "STRING")
        .addTo(client, pipelineId);
    for (int i = 0; i < 15; i++) {
      runToTheEnd(pipelineId);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> versions(pipelineId).size() == 2);
    long afterWarmUp = databaseBytes();
    for (int i = 0; i < 30; i++) {
      runToTheEnd(pipelineId);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> versions(pipelineId).size() == 2);
    long afterMore = databaseBytes();

    assertThat(afterMore)
        .as("database and WAL after 30 more runs, against %d bytes before", afterWarmUp)
        .isLessThan(afterWarmUp + afterWarmUp / 2);
  }

  private static long databaseBytes() throws IOException {
    long total = 0;
    for (String name : List.of("penstock.db", "penstock.db-wal")) {
      Path file = server.dataDir().resolve("server").resolve(name);
      if (Files.exists(file)) {
        total += Files.size(file);
      }
    }
    return total;
  }
}
