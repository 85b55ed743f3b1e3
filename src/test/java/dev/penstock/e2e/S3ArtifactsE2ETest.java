package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.awaitFinished;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.S3MockServer;
import dev.penstock.testing.ServerProcess;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Artifacts in an S3-compatible store (issue 12): a real server process keeps them in a real S3
 * server, Adobe's S3Mock from Maven Central run as a process of its own (no S3 service can be
 * reached from here). Values pass between steps and files download through the API from the bucket,
 * the data directory holds no artifact bytes, and retention deletes a run's objects.
 */
class S3ArtifactsE2ETest {
  private static final String PREFIX = "team-a/";
  private static S3MockServer s3;

  @TempDir Path dataDir;
  @TempDir Path downloads;

  @BeforeAll
  static void start_s3() {
    s3 = S3MockServer.start();
  }

  @AfterAll
  static void stop_s3() throws InterruptedException {
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void values_and_files_pass_through_the_bucket_and_go_with_their_run() throws Exception {
    try (ServerProcess server =
        ServerProcess.startWithEnvironment(
            dataDir,
            Map.of(
                "AWS_ACCESS_KEY_ID", "penstock-test",
                "AWS_SECRET_ACCESS_KEY", "penstock-test-secret",
                "AWS_REGION", "eu-west-1"),
            "--artifact-store",
            "s3://" + S3MockServer.BUCKET + "/" + PREFIX,
            "--s3-endpoint",
            s3.endpoint(),
            "--retention-keep-last",
            "1",
            "--retention-max-age",
            "1ms",
            "--retention-interval",
            "200ms")) {
      AbacusClient client = server.client();
      String pipelineId = createPipeline(client, Steps.uniqueName("s3"));
      StepRequest.named("make")
          .source(
              """
              import os

              def make():
                  with open(os.path.join(os.environ["PENSTOCK_OUTPUTS_DIR"], "notes.txt"), "w") as f:
                      f.write("kept in a bucket\\n")
                  return bytes(range(256)) * 4096
              """)
          .function("make")
          .output("raw", "ATTACHMENT")
          .addTo(client, pipelineId);
      StepRequest.named("use")
          .source("def use(raw):\n    return [type(raw).__name__, len(raw), raw[-1]]\n")
          .function("use")
          .fromVariable("raw", "ATTACHMENT", "raw")
          .output("seen", "LIST")
          .after("make")
          .addTo(client, pipelineId);

      String first = Steps.run(client, pipelineId, List.of());
      JsonNode version = awaitFinished(client, first);
      assertThat(version.path("status").asText())
          .as(version.toPrettyString())
          .isEqualTo("COMPLETE");
      assertThat(outputValue(version, "use", "seen").toString())
          .isEqualTo("[\"bytes\",1048576,255]");
      assertThat(s3.keys(PREFIX + first + "/"))
          .hasSize(2)
          .anyMatch(key -> key.endsWith("/.penstock-values/raw.bin"))
          .anyMatch(key -> key.endsWith("/outputs/notes.txt"));
      assertThat(artifactFilesUnder(dataDir.resolve("runs").resolve(first))).isEmpty();

      JsonNode listed =
          client.call("listPipelineVersionArtifacts", params("pipelineVersion", first));
      String notes = listed.get(1).path("artifactId").asText();
      var response =
          client.download(
              "downloadPipelineVersionArtifact",
              params("pipelineVersion", first, "artifactId", notes),
              downloads.resolve("notes.txt"));
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(Files.readString(response.body())).isEqualTo("kept in a bucket\n");

      // A second run puts the first past retention (keep the last one): its objects go too.
      String second = Steps.run(client, pipelineId, List.of());
      assertThat(awaitFinished(client, second).path("status").asText()).isEqualTo("COMPLETE");
      await().atMost(Duration.ofSeconds(15)).until(() -> s3.keys(PREFIX + first + "/").isEmpty());
      assertThat(s3.keys(PREFIX + second + "/")).hasSize(2);
    }
  }

  @Test
  void a_store_that_cannot_be_reached_fails_the_step_as_the_platforms_fault_saying_why()
      throws Exception {
    int closedPort;
    try (var socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (ServerProcess server =
        ServerProcess.startWithEnvironment(
            dataDir,
            Map.of("AWS_ACCESS_KEY_ID", "penstock-test", "AWS_SECRET_ACCESS_KEY", "secret"),
            "--artifact-store",
            "s3://" + S3MockServer.BUCKET + "/" + PREFIX,
            "--s3-endpoint",
            "http://127.0.0.1:" + closedPort)) {
      AbacusClient client = server.client();
      String pipelineId = createPipeline(client, Steps.uniqueName("s3_down"));
      StepRequest.named("make")
          .source("def make():\n    return b'never kept'\n")
          .function("make")
          .output("raw", "ATTACHMENT")
          .addTo(client, pipelineId);

      String versionId = Steps.run(client, pipelineId, List.of());
      JsonNode version = awaitFinished(client, versionId);

      assertThat(version.path("status").asText()).isEqualTo("FAILED");
      JsonNode make = Steps.stepVersion(version, "make");
      assertThat(make.path("error").asText())
          .startsWith("gave up after 4 platform faults in a row")
          .contains("could not keep the step's artifacts: cannot store");
      assertThat(make.path("attempts")).hasSize(4);
      assertThat(client.call("listPipelineVersionArtifacts", params("pipelineVersion", versionId)))
          .isEmpty();
    }
  }

  /** The files a run's attempts kept in the data directory: none, when a bucket keeps them. */
  private static List<Path> artifactFilesUnder(Path runDir) throws Exception {
    try (Stream<Path> paths = Files.walk(runDir)) {
      return paths
          .filter(Files::isRegularFile)
          .filter(
              path ->
                  path.toString().contains("/.penstock-values/")
                      || path.toString().contains("/outputs/"))
          .filter(path -> !path.startsWith(runDir.resolve("work"))) // the steps' own, not kept
          .toList();
    }
  }
}
