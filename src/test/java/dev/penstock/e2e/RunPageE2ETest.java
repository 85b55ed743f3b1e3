package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.app.ConfigKey;
import dev.penstock.model.StepStatus;
import dev.penstock.testing.BigRuns;
import dev.penstock.testing.SettableClock;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import dev.penstock.testing.WebClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The run page and its live stream over HTTP, on a server whose clock the tests move (only while no
 * step runs) and that never sweeps, so runs written straight into its database stay as written.
 */
class RunPageE2ETest {
  static final SettableClock clock = new SettableClock(Instant.parse("2026-06-01T08:00:00Z"));

  @RegisterExtension
  static final TestServer server =
      TestServer.perClass(Map.of(ConfigKey.SWEEP_INTERVAL, "1h"), clock);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ROW = Pattern.compile("<tr data-step=\"");
  private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(30);

  private static final String SOURCE =
      """
      def one():
          return 1
      """;

  private final WebClient web = WebClient.signIn(server.url(), TestServer.ADMIN_KEY);

  private static int rows(String html) {
    int rows = 0;
    for (var matcher = ROW.matcher(html); matcher.find(); ) {
      rows++;
    }
    return rows;
  }

  private static List<String> stepIds(WebClient.Event event) throws Exception {
    var ids = new ArrayList<String>();
    JSON.readTree(event.data()).path("steps").forEach(step -> ids.add(step.path("id").asText()));
    return ids;
  }

  private static String stepVersionId(JsonNode version, String name) {
    return Steps.stepVersion(version, name).path("pipelineStepVersion").asText();
  }

  @Test
  void a_stream_resumed_with_last_event_id_sends_only_what_changed_after_it() throws Exception {
    var client = server.client();
    String pipelineId = Steps.createPipeline(client, Steps.uniqueName("resume"));
    StepRequest.named("first").source(SOURCE).function("one").addTo(client, pipelineId);
    StepRequest.named("second").source(SOURCE).function("one").addTo(client, pipelineId);
    String versionId = Steps.run(client, pipelineId, List.of());
    JsonNode done = Steps.awaitFinished(client, versionId);
    clock.advance(
        Duration.ofMinutes(1)); // no step runs: "second" now changes a minute after "first"
    rerunSecond(versionId);
    String events = "/runs/" + versionId + "/events";
    List<WebClient.Event> seen = web.events(events, null, event -> false, STREAM_TIMEOUT);
    assertThat(seen).extracting(WebClient.Event::name).containsExactly("progress", "end");
    String lastEventId = seen.get(0).id();

    clock.advance(Duration.ofMinutes(1));
    rerunSecond(versionId);
    List<WebClient.Event> resumed = web.events(events, lastEventId, event -> false, STREAM_TIMEOUT);

    assertThat(resumed).extracting(WebClient.Event::name).containsExactly("progress", "end");
    assertThat(stepIds(resumed.get(0))).containsExactly(stepVersionId(done, "second"));
    assertThat(Long.parseLong(resumed.get(0).id())).isGreaterThan(Long.parseLong(lastEventId));
    JsonNode run = JSON.readTree(resumed.get(0).data()).path("run");
    assertThat(run.path("status").asText()).isEqualTo("complete");
    assertThat(run.path("counts").path("COMPLETE").asInt()).isEqualTo(2);

    List<WebClient.Event> fromScratch = web.events(events, "0", event -> false, STREAM_TIMEOUT);
    assertThat(stepIds(fromScratch.get(0)))
        .as("the id of nothing seen yet")
        .containsExactlyInAnyOrder(stepVersionId(done, "first"), stepVersionId(done, "second"));
  }

  @Test
  void the_page_of_a_10000_step_run_sends_one_page_of_its_steps() throws Exception {
    String name = Steps.uniqueName("wide");
    String pipelineId = Steps.createPipeline(server.client(), name);
    var run = BigRuns.fanOut(server.dataDir(), pipelineId, name, 9_998);

    var page = web.get("/runs/" + run.versionId());

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(rows(page.body())).isEqualTo(100);
    assertThat(page.body()).contains("10,000</b> steps", "page 1 of 100");
    assertThat(page.body().length()).as("bytes of the page").isLessThan(400_000);
    assertThat(page.body()).contains("<svg", "data-id=\"group:", "square ×9,998");
    assertThat(page.body().split("data-id=\"").length - 1).as("boxes drawn").isEqualTo(3);
    String last = web.get("/runs/" + run.versionId() + "?steps=100").body();
    assertThat(rows(last)).isEqualTo(100);
    assertThat(last).contains(">sink</a>");
    String failed = web.get("/runs/" + run.versionId() + "?status=failed").body();
    assertThat(rows(failed)).isEqualTo(run.counts().get(StepStatus.FAILED));

    List<WebClient.Event> stream =
        web.events("/runs/" + run.versionId() + "/events", "0", event -> true, STREAM_TIMEOUT);
    JsonNode first = JSON.readTree(stream.get(0).data());
    assertThat(first.path("run").path("counts").path("PENDING").asInt())
        .isEqualTo(run.counts().get(StepStatus.PENDING));
    assertThat(first.path("steps").size()).as("the steps the page shows").isLessThanOrEqualTo(102);
    assertThat(first.path("groups").size()).isEqualTo(1);
    assertThat(first.path("groups").get(0).path("subtitle").asText())
        .isEqualTo("2 running · 3 failed · 3,995 pending · 5,998 complete");
    assertThat(stream.get(0).data().length()).isLessThan(100_000);
  }

  @Test
  void actions_are_refused_to_a_read_only_key_and_wrong_input_changes_nothing() {
    String name = Steps.uniqueName("guarded");
    String pipelineId = Steps.createPipeline(server.client(), name);
    var run = BigRuns.fanOut(server.dataDir(), pipelineId, name, 20);
    String reader =
        server.client().call("createApiKey", params("scope", "READ_ONLY")).path("apiKey").asText();
    var readOnly = WebClient.signIn(server.url(), reader);
    String url = "/runs/" + run.versionId();

    assertThat(readOnly.get(url).body()).doesNotContain("Cancel run", "Rerun…");
    assertThat(readOnly.post(url + "/cancel", Map.of()).statusCode()).isEqualTo(403);
    assertThat(status(run.versionId())).isEqualTo("RUNNING");

    var unknownStep = web.post(url + "/rerun", Map.of("step", "no_such_step"));
    assertThat(unknownStep.statusCode()).isEqualTo(400);
    assertThat(unknownStep.body()).contains("no step named no_such_step");
    assertThat(web.get(url + "?status=sideways").statusCode()).isEqualTo(400);
    assertThat(web.get("/runs/no-such-run").statusCode()).isEqualTo(404);
    assertThat(web.post(url + "/cancel", Map.of("_csrf", "forged")).statusCode()).isEqualTo(403);
    assertThat(status(run.versionId())).isEqualTo("RUNNING");

    var cancelled = web.post(url + "/cancel", Map.of());
    assertThat(cancelled.statusCode()).isEqualTo(303);
    assertThat(cancelled.headers().firstValue("Location")).hasValue(url + "?done=cancelled");
    assertThat(status(run.versionId())).isEqualTo("CANCELLED");
    assertThat(web.get(url + "?done=cancelled").body())
        .doesNotContain("Cancel run")
        .contains("The run was cancelled.");
  }

  @Test
  void the_stream_needs_a_session_and_an_event_stream_request() {
    String name = Steps.uniqueName("stream_guard");
    String pipelineId = Steps.createPipeline(server.client(), name);
    var run = BigRuns.fanOut(server.dataDir(), pipelineId, name, 3);
    String events = "/runs/" + run.versionId() + "/events";

    var anonymous = WebClient.anonymous(server.url()).get(events);
    assertThat(anonymous.statusCode()).isEqualTo(302);
    assertThat(anonymous.headers().firstValue("Location").orElseThrow()).startsWith("/login");
    assertThat(web.get(events).statusCode()).as("not asking for text/event-stream").isEqualTo(400);
    assertThat(web.get("/runs/no-such-run/events").statusCode()).isEqualTo(404);
  }

  private static void rerunSecond(String versionId) {
    server
        .client()
        .call(
            "resetPipelineVersion",
            params(
                "pipelineVersion",
                versionId,
                "steps",
                List.of("second"),
                "includeDownstreamSteps",
                false));
    Steps.awaitFinished(server.client(), versionId);
  }

  private static String status(String versionId) {
    return server
        .client()
        .call("describePipelineVersion", params("pipelineVersion", versionId))
        .path("status")
        .asText();
  }
}
