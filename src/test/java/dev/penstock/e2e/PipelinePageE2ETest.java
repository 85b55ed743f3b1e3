package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.input;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.testing.SignedInHttp;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pipeline page's forms over plain HTTP, sending what a browser of the page never would: no
 * CSRF token, a read-only key's session, values of the wrong type. Each is refused and starts
 * nothing, which the API confirms.
 */
class PipelinePageE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();

  /** A pipeline of one step reading the INTEGER variable count (default 3), on an hourly cron. */
  private static String pipeline(String prefix) {
    String pipelineId =
        server
            .client()
            .call(
                "createPipeline",
                params("pipelineName", Steps.uniqueName(prefix), "cron", "0 * * * *"))
            .path("pipelineId")
            .asText();
    server
        .client()
        .call(
            "updatePipeline",
            params(
                "pipelineId",
                pipelineId,
                "pipelineVariableMappings",
                List.of(input("count", "INTEGER", 3, null))));
    StepRequest.named("count")
        .source("def count(count):\n    return count\n")
        .function("count")
        .fromVariable("count", "INTEGER", "count")
        .addTo(server.client(), pipelineId);
    return pipelineId;
  }

  private static int runs(String pipelineId) {
    return server
        .client()
        .call("listPipelineVersions", params("pipelineId", pipelineId, "limit", 10))
        .size();
  }

  @Test
  void a_run_posted_without_the_csrf_token_is_refused_and_starts_nothing() {
    String pipelineId = pipeline("web_csrf");
    var session = SignedInHttp.signIn(server.url(), TestServer.ADMIN_KEY);

    var refused = session.post("/pipelines/" + pipelineId + "/run", "var.count", "5");
    var forged =
        session.post(
            "/pipelines/" + pipelineId + "/run", "_csrf", "not-the-token", "var.count", "5");

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(runs(pipelineId)).isZero();
  }

  @Test
  void a_wrongly_typed_value_shows_the_form_again_with_its_error_and_starts_nothing() {
    String pipelineId = pipeline("web_types");
    var session = SignedInHttp.signIn(server.url(), TestServer.ADMIN_KEY);
    String page = "/pipelines/" + pipelineId;
    String token = session.csrfToken(page);

    var wrong = session.post(page + "/run", "_csrf", token, "var.count", "2.5");

    assertThat(wrong.statusCode()).isEqualTo(400);
    assertThat(wrong.body()).contains("Expected a whole number").contains("value=\"2.5\"");
    assertThat(runs(pipelineId)).isZero();

    var right = session.post(page + "/run", "_csrf", token, "var.count", "5");

    assertThat(right.statusCode()).isEqualTo(303);
    String versionId = right.headers().firstValue("Location").orElseThrow().replace("/runs/", "");
    var version = server.awaitFinished(versionId);
    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(Steps.mappingValue(version.path("pipelineVariableMappings"), "count").isInt())
        .isTrue();
    assertThat(Steps.mappingValue(version.path("pipelineVariableMappings"), "count").asInt())
        .isEqualTo(5);
  }

  @Test
  void a_read_only_keys_session_sees_the_form_disabled_and_can_neither_run_nor_pause() {
    String pipelineId = pipeline("web_read_only");
    String readOnlyKey =
        server
            .client()
            .call("createApiKey", params("scope", "READ_ONLY", "tag", "web-read-only"))
            .path("apiKey")
            .asText();
    var session = SignedInHttp.signIn(server.url(), readOnlyKey);
    String page = "/pipelines/" + pipelineId;

    var shown = session.get(page);
    assertThat(shown.statusCode()).isEqualTo(200);
    assertThat(shown.body()).contains("read-only key").contains("<fieldset disabled");
    assertThat(shown.body()).doesNotContain("value=\"pause\"");

    String token = session.csrfToken(page);
    var run = session.post(page + "/run", "_csrf", token, "var.count", "5");
    var pause = session.post(page + "/schedule", "_csrf", token, "action", "pause");

    assertThat(run.statusCode()).isEqualTo(403);
    assertThat(pause.statusCode()).isEqualTo(403);
    assertThat(runs(pipelineId)).isZero();
    assertThat(
            server
                .client()
                .call("describePipeline", params("pipelineId", pipelineId))
                .path("nextRunTime")
                .isTextual())
        .isTrue();
  }

  @Test
  void unknown_pipelines_and_actions_get_a_clear_message() {
    String pipelineId = pipeline("web_bad_input");
    var session = SignedInHttp.signIn(server.url(), TestServer.ADMIN_KEY);
    String token = session.csrfToken("/pipelines/" + pipelineId);

    var missing = session.get("/pipelines/0000000000000000");
    var badAction =
        session.post("/pipelines/" + pipelineId + "/schedule", "_csrf", token, "action", "drop");
    var badPaging = session.get("/pipelines/" + pipelineId + "?runs=abc&steps=-4&step=nope");

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("No pipeline has the id 0000000000000000");
    assertThat(badAction.statusCode()).isEqualTo(400);
    assertThat(badAction.body()).contains("must be pause or resume");
    assertThat(badPaging.statusCode()).isEqualTo(200);
    assertThat(badPaging.body()).contains("no step named \u201cnope\u201d");
  }
}
