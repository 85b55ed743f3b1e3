package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.createPipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.penstock.api.dto.PipelineResponse;
import dev.penstock.api.dto.PipelineVersionResponse;
import dev.penstock.engine.definition.Warnings;
import dev.penstock.store.jdbc.JdbcStores;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.SharedFolders;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The views that hold runs (describePipelineVersion, waitForPipelineVersion, listPipelineVersions,
 * describePipeline, listPipelines) are streamed a step version at a time; what they answer must be
 * what the object mapping they replaced answers, read from the same database: the SDK reads the
 * same fields, nulls and values. The one intended difference: a run's attempts leave out their
 * inputs and outputs, which describePipelineStepVersion keeps.
 */
class RunViewsE2ETest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SOURCE =
      """
      import pathlib, time

      def make(n):
          return {"numbers": list(range(n)), "label": "made " + str(n)}

      def total(numbers, label):
          return {"sum": sum(numbers), "text": label.upper(), "nothing": None}

      def always_fails(numbers):
          raise ValueError("no good: " + str(len(numbers)))

      def after(sum):
          return sum

      def wait(shared):
          while not (pathlib.Path(shared) / "release").exists():
              time.sleep(0.05)
          return "released"
      """;

  @RegisterExtension static final TestServer server = TestServer.perClass();
  private static JdbcStores stores;
  private final AbacusClient client = server.client();
  private final Path shared = SharedFolders.create();

  @BeforeAll
  static void open_the_servers_database_beside_it() {
    stores =
        JdbcStores.open(
            "jdbc:sqlite:" + server.dataDir().resolve("server/penstock.db"), null, null);
  }

  @AfterAll
  static void close_it() {
    stores.close();
  }

  private static StepRequest make() {
    return StepRequest.named("make")
        .source(SOURCE)
        .function("make")
        .input("n", "INTEGER", 5)
        .output("numbers", "LIST")
        .output("label", "STRING");
  }

  private static StepRequest total() {
    return StepRequest.named("total")
        .source(SOURCE)
        .function("total")
        .fromVariable("numbers", "LIST", "numbers")
        .fromVariable("label", "STRING", "label")
        .output("sum", "INTEGER")
        .output("text", "STRING")
        .output("nothing", "ANY")
        .after("make");
  }

  @Test
  void a_complete_run_streams_as_it_maps() {
    String pipelineId = createPipeline(client, Steps.uniqueName("views_complete"));
    make().addTo(client, pipelineId);
    total().addTo(client, pipelineId);
    String versionId =
        Steps.run(
            client,
            pipelineId,
            List.of(Steps.input("unused", "JSON", java.util.Map.of("a", List.of(1, "two")), null)));
    assertThat(Steps.awaitFinished(client, versionId).path("status").asText())
        .isEqualTo("COMPLETE");
    Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));

    assertEveryViewMatchesTheMapping(pipelineId);
  }

  @Test
  void a_failed_run_with_retried_attempts_streams_as_it_maps() {
    String pipelineId = createPipeline(client, Steps.uniqueName("views_failed"));
    make().addTo(client, pipelineId);
    StepRequest.named("fails")
        .source(SOURCE)
        .function("always_fails")
        .fromVariable("numbers", "LIST", "numbers")
        .output("sum", "INTEGER")
        .after("make")
        .with("retries", 2)
        .with("retryDelay", 0.1)
        .addTo(client, pipelineId);
    StepRequest.named("after")
        .source(SOURCE)
        .function("after")
        .fromVariable("sum", "INTEGER", "sum")
        .after("fails")
        .addTo(client, pipelineId);

    JsonNode done = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));

    assertThat(done.path("status").asText()).isEqualTo("FAILED");
    assertThat(Steps.stepVersion(done, "fails").path("attempts")).hasSize(3);
    assertThat(Steps.stepVersion(done, "after").path("status").asText()).isEqualTo("SKIPPED");
    assertEveryViewMatchesTheMapping(pipelineId);
  }

  @Test
  void a_reset_run_streams_as_it_maps() {
    String pipelineId = createPipeline(client, Steps.uniqueName("views_reset"));
    make().addTo(client, pipelineId);
    total().addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    Steps.awaitFinished(client, versionId);

    client.call(
        "resetPipelineVersion",
        params(
            "pipelineVersion",
            versionId,
            "steps",
            List.of("make"),
            "includeDownstreamSteps",
            true));
    JsonNode done = Steps.awaitFinished(client, versionId);

    assertThat(done.path("trigger").asText()).isEqualTo("RESET");
    assertThat(Steps.stepVersion(done, "total").path("attempts")).hasSize(2);
    assertEveryViewMatchesTheMapping(pipelineId);
  }

  @Test
  void a_run_with_modules_and_a_running_step_streams_as_it_maps() throws Exception {
    String module = Steps.uniqueName("shouting");
    client.call(
        "createModule",
        params("name", module, "sourceCode", "def shout(s):\n    return s.upper()\n"));
    String pipelineId = createPipeline(client, Steps.uniqueName("views_modules"));
    StepRequest.named("shout")
        .source("from " + module + " import *\n\ndef main():\n    return shout('quiet')\n")
        .function("main")
        .output("loud", "STRING")
        .addTo(client, pipelineId);
    StepRequest.named("wait")
        .source(SOURCE)
        .function("wait")
        .input("shared", "STRING", shared.toString())
        .output("released", "STRING")
        .after("shout")
        .addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> Steps.stepVersion(describe(versionId), "wait").path("status").asText(),
            "RUNNING"::equals);

    // A step running now has an attempt of its own in the view, without a row yet.
    JsonNode running = Steps.stepVersion(describe(versionId), "wait");
    assertThat(running.path("attempts")).hasSize(1);
    assertEveryViewMatchesTheMapping(pipelineId);

    Files.writeString(shared.resolve("release"), "go");
    assertThat(Steps.awaitFinished(client, versionId).path("status").asText())
        .isEqualTo("COMPLETE");
    assertEveryViewMatchesTheMapping(pipelineId);
  }

  @Test
  void a_fault_after_the_answer_began_breaks_the_body_and_the_log_names_the_request()
      throws Exception {
    var log = (Logger) LoggerFactory.getLogger("dev.penstock.api");
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    log.addAppender(appender);
    try (var own = TestServer.start();
        var database =
            DriverManager.getConnection(
                "jdbc:sqlite:" + own.dataDir().resolve("server/penstock.db"))) {
      var ownClient = own.client();
      String pipelineId = createPipeline(ownClient, Steps.uniqueName("views_broken"));
      for (int i = 0; i < 3; i++) {
        StepRequest.named("read" + i)
            .source("def f(text):\n    return len(text)\n")
            .function("f")
            .fromVariable("text", "STRING", "text")
            .output("length" + i, "INTEGER")
            .addTo(ownClient, pipelineId);
      }
      // Each step shows the 100 kB it read: the answer is on its way before the last step is read.
      var text = List.of(Steps.input("text", "STRING", "x".repeat(100_000), null));
      String broken = Steps.run(ownClient, pipelineId, text);
      Steps.awaitFinished(ownClient, broken);
      String healthy = Steps.run(ownClient, pipelineId, text);
      Steps.awaitFinished(ownClient, healthy);
      try (var corrupt =
          database.prepareStatement(
              "UPDATE step_version SET output_values = '{broken'"
                  + " WHERE pipeline_version = ? AND position = 2")) {
        corrupt.setString(1, broken);
        assertThat(corrupt.executeUpdate()).isEqualTo(1);
      }
      var http = HttpClient.newHttpClient();
      var request =
          HttpRequest.newBuilder(
                  URI.create(
                      own.url() + "/api/v0/describePipelineVersion?pipelineVersion=" + broken))
              .header("apiKey", TestServer.ADMIN_KEY)
              .build();

      HttpResponse<InputStream> response =
          http.send(request, HttpResponse.BodyHandlers.ofInputStream());

      assertThat(response.statusCode()).isEqualTo(200);
      String requestId = response.headers().firstValue("x-request-id").orElseThrow();
      try (InputStream body = response.body()) {
        assertThatThrownBy(body::readAllBytes).isInstanceOf(IOException.class);
      }
      assertThat(appender.list)
          .anySatisfy(
              event -> {
                assertThat(event.getFormattedMessage())
                    .contains(requestId)
                    .contains("after its answer had begun");
                assertThat(event.getThrowableProxy().getMessage())
                    .contains("Unreadable JSON column");
              });
      // Each broken read gave its connection back: more reads than the pool has all answer.
      for (int i = 0; i < 12; i++) {
        assertThat(
                ownClient
                    .call("describePipelineVersion", params("pipelineVersion", healthy))
                    .path("status")
                    .asText())
            .isEqualTo("COMPLETE");
        assertThatThrownBy(() -> http.send(request, HttpResponse.BodyHandlers.ofString()))
            .isInstanceOf(IOException.class);
      }
    } finally {
      log.detachAppender(appender);
    }
  }

  private JsonNode describe(String versionId) {
    return client.call("describePipelineVersion", params("pipelineVersion", versionId));
  }

  /** Each streamed view of the pipeline and its runs against the object mapping of the store. */
  private void assertEveryViewMatchesTheMapping(String pipelineId) {
    var runs = stores.runs();
    List<String> versionIds = runs.versionIds(pipelineId, 100);
    for (String versionId : versionIds) {
      JsonNode expected = mapped(versionId);
      JsonNode streamed = describe(versionId);
      assertThat(streamed).isEqualTo(expected);
      assertThat(
              client.call(
                  "waitForPipelineVersion", params("pipelineVersion", versionId, "timeout", 0)))
          .isEqualTo(expected);
      assertAttemptsKeepTheirValuesInTheStepVersionAlone(streamed);
    }
    ArrayNode expectedList = JSON.createArrayNode();
    versionIds.forEach(versionId -> expectedList.add(mapped(versionId)));
    assertThat(client.call("listPipelineVersions", params("pipelineId", pipelineId)))
        .isEqualTo(expectedList);
    assertThat(client.call("listPipelineVersions", params("pipelineId", pipelineId, "limit", 1)))
        .containsExactly(expectedList.get(0));
    assertThat(client.call("describePipeline", params("pipelineId", pipelineId)))
        .isEqualTo(mappedPipeline(pipelineId));
    ArrayNode everyPipeline = JSON.createArrayNode();
    stores.pipelines().pipelineIds(null).forEach(id -> everyPipeline.add(mappedPipeline(id)));
    assertThat(client.call("listPipelines")).isEqualTo(everyPipeline);
  }

  /** What describePipelineStepVersion answers is the run's step version, attempts' values added. */
  private void assertAttemptsKeepTheirValuesInTheStepVersionAlone(JsonNode run) {
    for (JsonNode step : run.path("stepVersions")) {
      ObjectNode alone =
          client
              .call(
                  "describePipelineStepVersion",
                  params("pipelineStepVersion", step.path("pipelineStepVersion").asText()))
              .deepCopy();
      for (JsonNode attempt : alone.path("attempts")) {
        assertThat(attempt.has("functionVariableMappings")).isTrue();
        assertThat(attempt.has("outputVariableMappings")).isTrue();
        ((ObjectNode) attempt)
            .remove(List.of("functionVariableMappings", "outputVariableMappings"));
      }
      assertThat(step).isEqualTo(alone);
    }
  }

  /** The run as the object mapping (the whole run read at once, then serialized) shows it. */
  private static JsonNode mapped(String versionId) {
    var version = stores.runs().findVersion(versionId).orElseThrow();
    return JSON.valueToTree(
        PipelineVersionResponse.of(version, stores.runs().attemptsOfVersion(versionId)));
  }

  private static JsonNode mappedPipeline(String pipelineId) {
    var pipeline = stores.pipelines().findPipeline(pipelineId).orElseThrow();
    var steps = stores.pipelines().listSteps(pipelineId);
    var latest = stores.runs().versionIds(pipelineId, 1);
    PipelineVersionResponse latestVersion =
        latest.isEmpty()
            ? null
            : PipelineVersionResponse.of(
                stores.runs().findVersion(latest.get(0)).orElseThrow(),
                stores.runs().attemptsOfVersion(latest.get(0)));
    return JSON.valueToTree(
        PipelineResponse.of(
            pipeline,
            steps,
            latestVersion,
            Warnings.of(pipeline, steps),
            source ->
                List.copyOf(
                    dev.penstock.engine.definition.ModuleImports.of(
                            source, name -> stores.modules().findModule(name).orElse(null))
                        .keySet())));
  }
}
