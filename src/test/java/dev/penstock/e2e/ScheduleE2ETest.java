package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.input;
import static dev.penstock.testing.Steps.mappingValue;
import static dev.penstock.testing.Steps.stepVersion;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ApiException;
import dev.penstock.testing.SettableClock;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cron schedules through the real server, as the SDK speaks, on a clock the tests move. The ticker
 * runs every 50 ms of real time; the clock moves only while no step runs, and the sweep is off, so
 * a jump of hours never makes the server's own steps look dead. Each test unsets its schedules
 * afterwards, so moving the clock in one test fires nothing of another's.
 */
class ScheduleE2ETest {
  private static final String SOURCE =
      """
      def shout(greeting):
          print("scheduled with", greeting)
          return greeting.upper()
      """;
  private static final Duration SEVERAL_TICKS = Duration.ofMillis(600);

  static final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
  static TestServer server;
  private final List<String> scheduled = new ArrayList<>();

  @BeforeAll
  static void start() {
    server =
        TestServer.start(
            Map.of(ConfigKey.SCHEDULE_TICK, "50ms", ConfigKey.SWEEP_INTERVAL, "1h"), clock);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void unset_this_tests_schedules() {
    scheduled.forEach(
        id -> client().call("unsetPipelineRefreshSchedule", params("pipelineId", id)));
  }

  private static AbacusClient client() {
    return server.client(); // a fresh one: the port changes when the server restarts
  }

  /** A pipeline on {@code cron} whose one step shouts its default variable greeting="hello". */
  private String scheduledPipeline(String prefix, String cron) {
    String pipelineId = scheduledPipelineWithoutSteps(prefix, cron);
    StepRequest.named("shout")
        .source(SOURCE)
        .function("shout")
        .fromVariable("greeting", "STRING", "greeting")
        .output("loud", "STRING")
        .addTo(client(), pipelineId);
    client()
        .call(
            "updatePipeline",
            params(
                "pipelineId",
                pipelineId,
                "pipelineVariableMappings",
                List.of(input("greeting", "STRING", "hello", null))));
    return pipelineId;
  }

  private String scheduledPipelineWithoutSteps(String prefix, String cron) {
    JsonNode pipeline =
        client().call("createPipeline", params("pipelineName", uniqueName(prefix), "cron", cron));
    String pipelineId = pipeline.path("pipelineId").asText();
    scheduled.add(pipelineId);
    return pipelineId;
  }

  private static JsonNode describe(String pipelineId) {
    return client().call("describePipeline", params("pipelineId", pipelineId));
  }

  private static JsonNode versions(String pipelineId) {
    return client().call("listPipelineVersions", params("pipelineId", pipelineId, "limit", 100));
  }

  private static Instant nextRunTime(JsonNode pipeline) {
    JsonNode next = pipeline.path("nextRunTime");
    assertThat(next.isTextual()).as("nextRunTime of %s", pipeline).isTrue();
    return OffsetDateTime.parse(next.asText()).toInstant();
  }

  private static Instant nextHour() {
    return clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
  }

  /** Moves the clock just past the pipeline's next firing and returns that firing. */
  private static Instant passNextRunTime(String pipelineId) {
    Instant due = nextRunTime(describe(pipelineId));
    clock.set(due.plusMillis(300));
    return due;
  }

  /** Waits for the pipeline's first run, checks several more ticks start no other, returns it. */
  private static JsonNode awaitOnlyRun(String pipelineId) {
    await().atMost(Duration.ofSeconds(10)).until(() -> versions(pipelineId).size() == 1);
    await()
        .during(SEVERAL_TICKS)
        .atMost(SEVERAL_TICKS.multipliedBy(3))
        .until(() -> versions(pipelineId).size() == 1);
    return server.awaitFinished(versions(pipelineId).get(0).path("pipelineVersion").asText());
  }

  private static void assertNoRunDuringSeveralTicks(String pipelineId) {
    await()
        .during(SEVERAL_TICKS)
        .atMost(SEVERAL_TICKS.multipliedBy(3))
        .until(() -> versions(pipelineId).isEmpty());
  }

  private static ApiException failure(Runnable call) {
    try {
      call.run();
    } catch (ApiException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  @Test
  void a_schedule_fires_one_run_with_the_default_variables_and_times_the_next() {
    String pipelineId = scheduledPipeline("hourly", "0 * * * *");
    JsonNode created = describe(pipelineId);
    assertThat(created.path("cron").asText()).isEqualTo("0 * * * *");
    assertThat(nextRunTime(created)).isEqualTo(nextHour());
    assertThat(created.path("nextRunTime").asText()).endsWith(":00:00.000+00:00");

    Instant due = passNextRunTime(pipelineId);
    JsonNode run = awaitOnlyRun(pipelineId);

    assertThat(run.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(run.path("trigger").asText()).isEqualTo("SCHEDULE");
    assertThat(mappingValue(run.path("pipelineVariableMappings"), "greeting").asText())
        .isEqualTo("hello");
    JsonNode shout = stepVersion(run, "shout");
    assertThat(mappingValue(shout.path("outputVariableMappings"), "loud").asText())
        .isEqualTo("HELLO");
    assertThat(nextRunTime(describe(pipelineId))).isEqualTo(due.plus(Duration.ofHours(1)));
  }

  @Test
  void many_ticks_at_one_instant_start_one_run_per_firing() {
    String pipelineId = scheduledPipeline("every_minute", "* * * * *");
    Instant first = passNextRunTime(pipelineId);
    awaitOnlyRun(pipelineId);

    clock.set(first.plus(Duration.ofMinutes(1)).plusMillis(300));
    await().atMost(Duration.ofSeconds(10)).until(() -> versions(pipelineId).size() == 2);
    await()
        .during(SEVERAL_TICKS)
        .atMost(SEVERAL_TICKS.multipliedBy(3))
        .until(() -> versions(pipelineId).size() == 2);
    versions(pipelineId)
        .forEach(version -> server.awaitFinished(version.path("pipelineVersion").asText()));
  }

  @Test
  void a_paused_schedule_has_no_next_run_time_and_fires_nothing_until_resumed() {
    String pipelineId = scheduledPipeline("paused", "0 * * * *");

    JsonNode paused =
        client().call("pausePipelineRefreshSchedule", params("pipelineId", pipelineId));
    assertThat(paused.path("cron").asText()).isEqualTo("0 * * * *");
    assertThat(paused.path("nextRunTime").isNull()).isTrue();
    assertThat(describe(pipelineId).path("nextRunTime").isNull()).isTrue();
    clock.advance(Duration.ofHours(3));
    assertNoRunDuringSeveralTicks(pipelineId);

    clock.advance(Duration.ofMinutes(10));
    JsonNode resumed =
        client().call("resumePipelineRefreshSchedule", params("pipelineId", pipelineId));
    assertThat(nextRunTime(resumed)).isEqualTo(nextHour());
    assertNoRunDuringSeveralTicks(pipelineId);
    passNextRunTime(pipelineId);
    assertThat(awaitOnlyRun(pipelineId).path("status").asText()).isEqualTo("COMPLETE");
  }

  @Test
  void an_unset_schedule_has_no_cron_fires_nothing_and_cannot_be_paused_or_resumed() {
    String pipelineId = scheduledPipeline("unset", "0 * * * *");

    JsonNode unset =
        client().call("unsetPipelineRefreshSchedule", params("pipelineId", pipelineId));
    assertThat(unset.path("cron").isNull()).isTrue();
    assertThat(unset.path("nextRunTime").isNull()).isTrue();
    clock.advance(Duration.ofHours(2));
    assertNoRunDuringSeveralTicks(pipelineId);

    for (String method : List.of("pausePipelineRefreshSchedule", "resumePipelineRefreshSchedule")) {
      ApiException refused = failure(() -> client().call(method, params("pipelineId", pipelineId)));
      assertThat(refused.httpStatus()).isEqualTo(400);
      assertThat(refused.errorType()).isEqualTo("InvalidParameterError");
      assertThat(refused.getMessage()).contains("has no cron schedule to");
    }
    ApiException missing =
        failure(() -> client().call("pausePipelineRefreshSchedule", params("pipelineId", "nope")));
    assertThat(missing.errorType()).isEqualTo("DataNotFoundError");
  }

  @Test
  void a_new_cron_retimes_the_schedule_and_a_null_cron_leaves_it_unchanged() {
    String pipelineId = scheduledPipeline("retimed", "0 * * * *");

    JsonNode retimed =
        client().call("updatePipeline", params("pipelineId", pipelineId, "cron", "30 */2 * * *"));
    JsonNode untouched =
        client().call("updatePipeline", params("pipelineId", pipelineId, "isProd", true));

    Instant expected = clock.instant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofMinutes(30));
    while (!expected.isAfter(clock.instant())
        || expected.atZone(ZoneOffset.UTC).getHour() % 2 != 0) {
      expected = expected.plus(Duration.ofHours(1));
    }
    assertThat(retimed.path("cron").asText()).isEqualTo("30 */2 * * *");
    assertThat(nextRunTime(retimed)).isEqualTo(expected);
    assertThat(untouched.path("cron").asText()).isEqualTo("30 */2 * * *");
    assertThat(untouched.path("nextRunTime")).isEqualTo(retimed.path("nextRunTime"));
  }

  @Test
  void a_bad_cron_is_refused_naming_the_field_and_changes_nothing() {
    String name = uniqueName("bad_cron");
    ApiException onCreate =
        failure(
            () ->
                client()
                    .call("createPipeline", params("pipelineName", name, "cron", "61 * * * *")));
    assertThat(onCreate.httpStatus()).isEqualTo(400);
    assertThat(onCreate.errorType()).isEqualTo("InvalidParameterError");
    assertThat(onCreate.getMessage())
        .contains("cron '61 * * * *': minute field: value 61 out of range 0-59");
    assertThat(
            failure(() -> client().call("describePipelineByName", params("pipelineName", name)))
                .errorType())
        .isEqualTo("DataNotFoundError");

    String pipelineId = scheduledPipeline("kept", "0 * * * *");
    JsonNode before = describe(pipelineId);
    for (String bad : List.of("0 0 * * 9", "", "0 0 * *", "0 0 31 2 *")) {
      ApiException onUpdate =
          failure(
              () ->
                  client()
                      .call(
                          "updatePipeline",
                          params(
                              "pipelineId",
                              pipelineId,
                              "cron",
                              bad,
                              "isProd",
                              true,
                              "pipelineVariableMappings",
                              List.of(input("greeting", "STRING", "changed", null)))));
      assertThat(onUpdate.errorType()).isEqualTo("InvalidParameterError");
      assertThat(onUpdate.getMessage()).contains("cron '" + bad + "'");
    }
    assertThat(describe(pipelineId)).isEqualTo(before);
  }

  @Test
  void a_schedule_whose_run_cannot_start_moves_on_and_other_schedules_still_fire() {
    String empty = scheduledPipelineWithoutSteps("no_steps", "0 * * * *");
    String working = scheduledPipeline("working", "0 * * * *");

    Instant due = passNextRunTime(working);

    assertThat(awaitOnlyRun(working).path("status").asText()).isEqualTo("COMPLETE");
    assertNoRunDuringSeveralTicks(empty);
    assertThat(nextRunTime(describe(empty))).isEqualTo(due.plus(Duration.ofHours(1)));
  }

  @Test
  void a_schedule_survives_a_restart_and_firings_missed_while_down_are_caught_up_once() {
    String pipelineId = scheduledPipeline("survivor", "0 * * * *");
    String pausedId = scheduledPipeline("paused_survivor", "0 * * * *");
    client().call("pausePipelineRefreshSchedule", params("pipelineId", pausedId));
    Instant due = nextRunTime(describe(pipelineId));

    server.stop();
    try {
      clock.set(due.plus(Duration.ofHours(5)).plus(Duration.ofMinutes(30))); // six firings missed
    } finally {
      server.restart();
    }

    JsonNode run = awaitOnlyRun(pipelineId);
    assertThat(run.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(run.path("trigger").asText()).isEqualTo("SCHEDULE");
    JsonNode after = describe(pipelineId);
    assertThat(after.path("cron").asText()).isEqualTo("0 * * * *");
    assertThat(nextRunTime(after)).isEqualTo(nextHour());
    assertNoRunDuringSeveralTicks(pausedId);
    assertThat(describe(pausedId).path("cron").asText()).isEqualTo("0 * * * *");
    assertThat(describe(pausedId).path("nextRunTime").isNull()).isTrue();
  }
}
