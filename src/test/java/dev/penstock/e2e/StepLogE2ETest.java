package dev.penstock.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A step's log of 100 MB, read through the web UI's log routes: the page opens at its tail and
 * pages back a chunk at a time, and neither the chunk nor the live stream ever sends more than a
 * chunk's worth. The log cap is raised to 128 MB for it (the default, 10 MB, keeps only the tail of
 * a longer log; the cap has no upper bound, so 100 MB logs are real).
 */
class StepLogE2ETest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long LOG_BYTES = 100L * 1024 * 1024;
  private static final String SOURCE =
      """
      import sys

      def big():
          block = ("x" * 1023 + "\\n") * 1024  # 1 MiB of 1 KiB lines
          for _ in range(100):
              sys.stdout.write(block)
          sys.stdout.write("the very end\\n")
          return 1
      """;

  @RegisterExtension
  static final TestServer server = TestServer.perClass(Map.of(ConfigKey.LOG_CAP, "128MB"));

  private static final HttpClient http =
      HttpClient.newBuilder()
          .cookieHandler(new CookieManager())
          .connectTimeout(Duration.ofSeconds(10))
          .build();
  private static String versionId;
  private static String stepId;

  @BeforeAll
  static void a_run_whose_step_wrote_100_mb_and_a_signed_in_client() throws Exception {
    String pipelineId = Steps.createPipeline(server.client(), Steps.uniqueName("biglog"));
    StepRequest.named("big").source(SOURCE).function("big").addTo(server.client(), pipelineId);
    versionId = Steps.run(server.client(), pipelineId, List.of());
    JsonNode version = server.awaitFinished(versionId, Duration.ofMinutes(2));
    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    stepId = Steps.stepVersion(version, "big").path("pipelineStepVersion").asText();
    signIn();
  }

  @AfterAll
  static void delete_the_big_log() throws IOException {
    Path runs = server.dataDir().resolve("runs");
    if (Files.exists(runs)) {
      try (var paths = Files.walk(runs)) {
        paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  @Test
  void the_log_opens_at_its_tail_with_one_bounded_chunk_and_pages_back_from_there()
      throws Exception {
    HttpResponse<String> tail = get(logUrl("log?attempt=1"), "HX-Request", "true");

    assertThat(tail.statusCode()).isEqualTo(200);
    assertThat(tail.body().length()).as("the answer holds the tail only").isLessThan(70_000);
    JsonNode chunk = JSON.readTree(tail.body());
    long size = LOG_BYTES + "the very end\n".length();
    assertThat(chunk.path("size").asLong()).isEqualTo(size);
    assertThat(chunk.path("end").asLong()).isEqualTo(size);
    assertThat(chunk.path("start").asLong()).isEqualTo(size - 64 * 1024);
    assertThat(chunk.path("earliest").asLong()).isZero();
    assertThat(chunk.path("text").asText()).endsWith("x\nthe very end\n");

    long start = chunk.path("start").asLong();
    JsonNode earlier =
        JSON.readTree(get(logUrl("log?attempt=1&before=" + start + "&max=65536")).body());
    assertThat(earlier.path("end").asLong()).isEqualTo(start);
    assertThat(earlier.path("start").asLong()).isEqualTo(start - 65536);
    assertThat(earlier.path("text").asText()).hasSize(65536).matches("[x\\n]+");

    JsonNode first = JSON.readTree(get(logUrl("log?attempt=1&from=0&max=2048")).body());
    assertThat(first.path("text").asText()).isEqualTo(("x".repeat(1023) + "\n").repeat(2));
  }

  @Test
  void the_live_stream_of_an_ended_attempt_sends_its_tail_then_ends() throws Exception {
    HttpResponse<String> stream =
        get(logUrl("log/stream?attempt=1"), "Accept", "text/event-stream");

    assertThat(stream.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
    assertThat(stream.body().length()).as("the tail, not the log").isLessThan(80_000);
    assertThat(stream.body()).contains("event: chunk").contains("the very end");
    assertThat(stream.body()).contains("event: end").contains("\"status\":\"COMPLETE\"");
    long size = LOG_BYTES + "the very end\n".length();
    assertThat(stream.body()).contains("id: " + size);

    HttpResponse<String> resumed =
        get(
            logUrl("log/stream?attempt=1"),
            "Accept",
            "text/event-stream",
            "Last-Event-ID",
            Long.toString(size - 13));
    assertThat(resumed.body())
        .contains("\"text\":\"the very end\\n\",\"start\":" + (size - 13))
        .doesNotContain("xxxx");
  }

  @Test
  void a_step_of_another_run_is_not_found_and_a_malformed_offset_is_refused() throws Exception {
    String wrongRun = server.url() + "/runs/not-a-run/steps/" + stepId;
    HttpResponse<String> page = get(wrongRun, "Accept", "text/html");
    assertThat(page.statusCode()).isEqualTo(404);
    assertThat(page.body()).contains("No step " + stepId + " in the run not-a-run.");
    HttpResponse<String> fragment = get(wrongRun, "HX-Request", "true");
    assertThat(fragment.statusCode()).isEqualTo(404);
    assertThat(fragment.body()).isEqualTo("No step " + stepId + " in the run not-a-run.");

    HttpResponse<String> malformed = get(logUrl("log?attempt=1&from=abc"), "HX-Request", "true");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(malformed.body()).isEqualTo("from must be a whole number, not abc");
  }

  private static String logUrl(String rest) {
    return server.url() + "/runs/" + versionId + "/steps/" + stepId + "/" + rest;
  }

  private static HttpResponse<String> get(String url, String... headers) throws Exception {
    var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Signs in as a browser does: the sign-in form's token, then the key posted with it. */
  private static void signIn() throws Exception {
    String form = get(server.url() + "/login").body();
    var token = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(form);
    assertThat(token.find()).as(form).isTrue();
    String body =
        "_csrf="
            + URLEncoder.encode(token.group(1), StandardCharsets.UTF_8)
            + "&apiKey="
            + URLEncoder.encode(TestServer.ADMIN_KEY, StandardCharsets.UTF_8);
    var response =
        http.send(
            HttpRequest.newBuilder(URI.create(server.url() + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(303);
  }
}
