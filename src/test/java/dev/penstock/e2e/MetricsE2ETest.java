package dev.penstock.e2e;

import static dev.penstock.testing.Steps.createPipeline;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.HttpGet;
import dev.penstock.testing.PrometheusText;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /metrics}, {@code /healthz} and {@code /readyz} of a real server, fetched as Prometheus
 * and Kubernetes fetch them: no key, plain GETs. Only the first test runs steps, so the counts it
 * reads are exact.
 */
class MetricsE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void a_finished_run_shows_in_the_counts_histograms_slots_requests_and_store_timings()
      throws Exception {
    AbacusClient client = server.client();
    String source = "def inc(x):\n    return x + 1\n";
    String pipelineId = createPipeline(client, Steps.uniqueName("metrics"));
    StepRequest.named("one")
        .source(source)
        .function("inc")
        .input("x", "INTEGER", 1)
        .output("y", "INTEGER")
        .addTo(client, pipelineId);
    StepRequest.named("two")
        .source(source)
        .function("inc")
        .fromVariable("x", "INTEGER", "y")
        .output("z", "INTEGER")
        .after("one")
        .addTo(client, pipelineId);
    JsonNode version = server.awaitFinished(Steps.run(client, pipelineId, List.of()));
    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    // Counted as an unknown method, not under its made-up name.
    assertThat(client.raw("GET", "noSuchMethod", "application/json", "").statusCode())
        .isEqualTo(404);

    // The counts from the store may be up to two seconds old.
    PrometheusText metrics =
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                MetricsE2ETest::scrape,
                text -> text.value("penstock_runs", "status", "COMPLETE") == 1);

    assertThat(metrics.value("penstock_runs", "status", "RUNNING")).isZero();
    assertThat(metrics.value("penstock_runs", "status", "PENDING")).isZero();
    assertThat(metrics.value("penstock_steps", "status", "COMPLETE")).isEqualTo(2);
    assertThat(metrics.value("penstock_steps", "status", "RUNNING")).isZero();
    assertThat(metrics.type("penstock_step_duration_seconds")).isEqualTo("histogram");
    assertThat(metrics.value("penstock_step_duration_seconds_count", "outcome", "COMPLETE"))
        .isEqualTo(2);
    assertThat(metrics.value("penstock_step_duration_seconds_sum", "outcome", "COMPLETE"))
        .isPositive();
    assertThat(metrics.type("penstock_step_dispatch_seconds")).isEqualTo("histogram");
    assertThat(metrics.value("penstock_step_dispatch_seconds_count")).isEqualTo(2);
    assertThat(metrics.value("penstock_step_dispatch_seconds_bucket", "le", "+Inf")).isEqualTo(2);
    assertThat(metrics.value("penstock_step_slot_wait_seconds_count")).isEqualTo(2);
    assertThat(metrics.value("penstock_slots_used")).isZero();
    assertThat(metrics.value("penstock_slots_limit")).isEqualTo(2);
    assertThat(metrics.value("penstock_steps_waiting")).isZero();
    assertThat(metrics.value("penstock_runs_queued")).isZero();
    assertThat(metrics.value("penstock_fork_servers")).isEqualTo(1);
    assertThat(
            metrics.value(
                "penstock_api_requests_seconds_count", "method", "runPipeline", "status", "200"))
        .isEqualTo(1);
    assertThat(
            metrics.value(
                "penstock_api_requests_seconds_count", "method", "unknown", "status", "404"))
        .isEqualTo(1);
    assertThat(metrics.samples("penstock_api_requests_seconds_count"))
        .noneMatch(sample -> sample.labels().get("method").equals("noSuchMethod"));
    assertThat(
            metrics.value(
                "penstock_store_operation_seconds_count", "kind", "write", "outcome", "ok"))
        .isPositive();
    assertThat(
            metrics.value(
                "penstock_store_operation_seconds_count", "kind", "read", "outcome", "ok"))
        .isPositive();
    assertThat(metrics.value("process_resident_memory_bytes")).isPositive();
    assertThat(metrics.samples("jvm_memory_used_bytes")).isNotEmpty();
    assertThat(metrics.value("jvm_threads_live_threads")).isPositive();
    assertThat(metrics.samples("process_cpu_usage")).hasSize(1);
    assertThat(metrics.samples("disk_free_bytes")).hasSize(1);
  }

  @Test
  void metrics_need_no_key_and_come_as_prometheus_text() {
    var response = HttpGet.get(server.url() + "/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.headers().firstValue("x-request-id")).isPresent();
    PrometheusText.parse(response.body());
  }

  @Test
  void a_running_server_is_alive_and_ready_without_a_key() throws Exception {
    var health = HttpGet.get(server.url() + "/healthz");
    var ready = HttpGet.get(server.url() + "/readyz");

    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(ready.body());
    assertThat(body.path("ready").asBoolean()).isTrue();
    assertThat(body.path("checks").properties())
        .extracting(entry -> entry.getKey() + "=" + entry.getValue().asText())
        .containsExactly("store=ok", "scheduler=ok", "sweeper=ok", "server=ok");
  }

  @Test
  void with_metrics_require_key_a_scraper_sends_a_key_as_the_api_takes_it_or_as_a_bearer_token()
      throws Exception {
    try (TestServer guarded = TestServer.start(Map.of(ConfigKey.METRICS_REQUIRE_KEY, "true"))) {
      String metrics = guarded.url() + "/metrics";

      var without = HttpGet.get(metrics);
      var wrong = HttpGet.get(metrics, "Authorization", "Bearer not-a-key");

      assertThat(without.statusCode()).isEqualTo(403);
      assertThat(JSON.readTree(without.body()).path("errorType").asText())
          .isEqualTo("PermissionDeniedError");
      assertThat(wrong.statusCode()).isEqualTo(403);
      assertThat(HttpGet.get(metrics, "apiKey", TestServer.ADMIN_KEY).statusCode()).isEqualTo(200);
      var bearer = HttpGet.get(metrics, "Authorization", "Bearer " + TestServer.ADMIN_KEY);
      assertThat(bearer.statusCode()).isEqualTo(200);
      PrometheusText.parse(bearer.body());
      assertThat(HttpGet.get(guarded.url() + "/healthz").statusCode()).isEqualTo(200);
      assertThat(HttpGet.get(guarded.url() + "/readyz").statusCode()).isEqualTo(200);
    }
  }

  private static PrometheusText scrape() {
    var response = HttpGet.get(server.url() + "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return PrometheusText.parse(response.body());
  }
}
