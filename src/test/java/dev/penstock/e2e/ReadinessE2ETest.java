package dev.penstock.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.HttpGet;
import dev.penstock.testing.PrometheusText;
import dev.penstock.testing.TestServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readiness follows the database for real: a PostgreSQL server of this test's own is frozen
 * (SIGSTOP, as a host under memory pressure or a network partition would leave it), thawed, shut
 * down and started again on the same port and data, while the server and its probes carry on.
 */
class ReadinessE2ETest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path postgresData;

  @Test
  void a_database_that_hangs_or_stops_makes_the_server_unready_until_it_answers_again()
      throws Exception {
    EmbeddedPostgres postgres = startPostgres(0);
    int port = postgres.getPort();
    try (TestServer server =
        TestServer.start(Map.of(ConfigKey.DB_URL, postgres.getJdbcUrl("postgres", "postgres")))) {
      assertThat(ready(server).path("ready").asBoolean()).isTrue();

      signal("-STOP");
      try {
        JsonNode hung = awaitUnready(server);
        assertThat(hung.path("checks").path("store").asText())
            .isEqualTo("the database did not answer within 2 s");
        assertThat(hung.path("checks").path("scheduler").asText()).isEqualTo("ok");
        assertThat(HttpGet.get(server.url() + "/healthz").statusCode()).isEqualTo(200);
        // The counts it cannot read are unknown, and the scrape waits for them once, not once a
        // gauge (ten gauges of 2 s each took 20 s). Counts read before the stop are kept for
        // their 2 s age: the scrape comes after it.
        Thread.sleep(2_500);
        long asked = System.nanoTime();
        var metrics = PrometheusText.parse(HttpGet.get(server.url() + "/metrics").body());
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
        assertThat(metrics.value("penstock_runs", "status", "COMPLETE")).isNaN();
        assertThat(metrics.value("penstock_steps", "status", "FAILED")).isNaN();
      } finally {
        signal("-CONT");
      }
      awaitReady(server);

      postgres.close();
      assertThat(awaitUnready(server).path("checks").path("store").asText())
          .startsWith("the database");
      postgres = startPostgres(port);
      awaitReady(server);
    } finally {
      postgres.close();
    }
  }

  private EmbeddedPostgres startPostgres(int port) throws IOException {
    return EmbeddedPostgres.builder()
        .setDataDirectory(postgresData)
        .setCleanDataDirectory(false)
        .setPort(port)
        .start();
  }

  /** Sends {@code signal} to the postmaster and each of its backends, which hold the sessions. */
  private void signal(String signal) throws Exception {
    long postmaster =
        Long.parseLong(Files.readAllLines(postgresData.resolve("postmaster.pid")).get(0).trim());
    var command = new ArrayList<>(List.of("kill", signal, Long.toString(postmaster)));
    ProcessHandle.of(postmaster)
        .orElseThrow()
        .descendants()
        .forEach(process -> command.add(Long.toString(process.pid())));
    assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
  }

  private static JsonNode ready(TestServer server) throws IOException {
    var response = HttpGet.get(server.url() + "/readyz");
    JsonNode body = JSON.readTree(response.body());
    assertThat(response.statusCode()).isEqualTo(body.path("ready").asBoolean() ? 200 : 503);
    return body;
  }

  private static JsonNode awaitUnready(TestServer server) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> ready(server), body -> !body.path("ready").asBoolean());
  }

  private static void awaitReady(TestServer server) {
    await().atMost(Duration.ofSeconds(60)).until(() -> ready(server).path("ready").asBoolean());
  }
}
