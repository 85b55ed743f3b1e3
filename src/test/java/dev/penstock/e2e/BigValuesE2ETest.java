package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.createPipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ServerProcess;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 5 MB variable that 100 steps read: each step version shows the value it was given, so the run's
 * views are 500 MB of JSON. The server in its own JVM, with the heap `./penstock server` gives it
 * (-Xmx256m, serial GC), describes, lists and waits for the run, all 200 with every value in place;
 * holding the whole run in memory, it answered 500 OutOfMemoryError. The test reads each answer as
 * a small client would, one step version at a time.
 */
class BigValuesE2ETest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int STEPS = 100;
  private static final int VALUE_CHARACTERS = 5 * 1024 * 1024;
  private static final List<String> PENSTOCK_SERVER_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");

  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newHttpClient();

  /** What a run's answer showed, read one step version at a time. */
  private record Seen(
      String status, int steps, int stepsShowingTheValue, long outputsTotal, boolean variable) {}

  @Test
  void a_run_whose_steps_each_show_a_5_mb_value_is_described_listed_and_awaited_in_256_mb()
      throws Exception {
    String big = "0123456789abcdef".repeat(VALUE_CHARACTERS / 16);
    try (var server = ServerProcess.startWithJvm(dataDir, PENSTOCK_SERVER_JVM)) {
      var client = server.client();
      String pipelineId = createPipeline(client, Steps.uniqueName("big_values"));
      for (int i = 0; i < STEPS; i++) {
        StepRequest.named("read" + i)
            .source("def length(big):\n    return len(big)\n")
            .function("length")
            .fromVariable("big", "STRING", "big")
            .output("length" + i, "INTEGER")
            .addTo(client, pipelineId);
      }
      // After every reader, and small itself: the test watches it rather than the large run.
      StepRequest.named("done")
          .source("def done():\n    return None\n")
          .function("done")
          .after(IntStream.range(0, STEPS).mapToObj(i -> "read" + i).toArray(String[]::new))
          .addTo(client, pipelineId);
      JsonNode run =
          client.call(
              "runPipeline",
              params(
                  "pipelineId",
                  pipelineId,
                  "pipelineVariableMappings",
                  List.of(Steps.input("big", "STRING", big, null))));
      String versionId = run.path("pipelineVersion").asText();
      String done = Steps.stepVersion(run, "done").path("pipelineStepVersion").asText();
      awaitStep(server, client, done);
      Seen waited =
          get(server, "waitForPipelineVersion?timeout=25&pipelineVersion=" + versionId, big).get(0);
      Seen described =
          get(server, "describePipelineVersion?pipelineVersion=" + versionId, big).get(0);
      List<Seen> listed = post(server, "listPipelineVersions", pipelineId, big);

      var whole = new Seen("COMPLETE", STEPS + 1, STEPS, (long) STEPS * VALUE_CHARACTERS, true);
      assertThat(waited).isEqualTo(whole);
      assertThat(described).isEqualTo(whole);
      assertThat(listed).containsExactly(whole);
      assertThat(server.isAlive()).isTrue();
      assertThat(server.output()).noneMatch(line -> line.contains("OutOfMemoryError"));
    }
  }

  /**
   * Waits for the small last step to end; when it does not, says what the server logged, since
   * describing this run whole is what a failing server could not do.
   */
  private static void awaitStep(ServerProcess server, AbacusClient client, String stepVersion) {
    try {
      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () ->
                  client
                      .call(
                          "describePipelineStepVersion", params("pipelineStepVersion", stepVersion))
                      .path("status")
                      .asText(),
              "COMPLETE"::equals);
    } catch (ConditionTimeoutException e) {
      List<String> log = server.output();
      throw new AssertionError(
          e.getMessage()
              + "; the server's last lines:\n"
              + String.join(
                  "\n",
                  log.subList(Math.max(0, log.size() - 40), log.size()).stream()
                      .map(line -> line.substring(0, Math.min(line.length(), 400)))
                      .toList()),
          e);
    }
  }

  private List<Seen> get(ServerProcess server, String methodAndQuery, String big)
      throws IOException, InterruptedException {
    return read(
        HttpRequest.newBuilder(URI.create(server.url() + "/api/v0/" + methodAndQuery)).GET(), big);
  }

  private List<Seen> post(ServerProcess server, String method, String pipelineId, String big)
      throws IOException, InterruptedException {
    String body = JSON.createObjectNode().put("pipelineId", pipelineId).toString();
    return read(
        HttpRequest.newBuilder(URI.create(server.url() + "/api/v0/" + method))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)),
        big);
  }

  /** Reads the envelope; its result is one run or a list of runs. */
  private List<Seen> read(HttpRequest.Builder request, String big)
      throws IOException, InterruptedException {
    HttpResponse<InputStream> response =
        http.send(
            request.header("apiKey", TestServer.ADMIN_KEY).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    var runs = new ArrayList<Seen>();
    try (JsonParser json = JSON.createParser(response.body())) {
      assertThat(json.nextToken()).isEqualTo(JsonToken.START_OBJECT);
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        String field = json.currentName();
        JsonToken value = json.nextToken();
        if (!field.equals("result")) {
          assertThat(field).isEqualTo("success");
          assertThat(value).isEqualTo(JsonToken.VALUE_TRUE);
        } else if (value == JsonToken.START_ARRAY) {
          while (json.nextToken() == JsonToken.START_OBJECT) {
            runs.add(run(json, big));
          }
        } else {
          runs.add(run(json, big));
        }
      }
    }
    return runs;
  }

  /** One run, its object's start already read: each field, and each step version, in turn. */
  private static Seen run(JsonParser json, String big) throws IOException {
    String status = null;
    boolean variable = false;
    int steps = 0;
    int showingTheValue = 0;
    long outputs = 0;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      json.nextToken();
      if (field.equals("stepVersions")) {
        while (json.nextToken() == JsonToken.START_OBJECT) {
          JsonNode step = json.readValueAsTree();
          steps++;
          if (step.path("functionVariableMappings").path(0).path("value").asText().equals(big)) {
            showingTheValue++;
          }
          outputs += step.path("outputVariableMappings").path(0).path("value").asLong();
          for (JsonNode attempt : step.path("attempts")) {
            assertThat(attempt.has("functionVariableMappings")).isFalse();
          }
        }
      } else {
        JsonNode value = json.readValueAsTree();
        if (field.equals("status")) {
          status = value.asText();
        } else if (field.equals("pipelineVariableMappings")) {
          variable = value.path(0).path("value").asText().equals(big);
        }
      }
    }
    return new Seen(status, steps, showingTheValue, outputs, variable);
  }
}
