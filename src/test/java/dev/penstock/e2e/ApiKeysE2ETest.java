package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.ApiAssertions.assertFails;
import static dev.penstock.testing.Steps.createPipeline;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * API keys as users manage them: created and shown once, listed without their secret, scoped (admin
 * or read-only), revoked at once; a run's key reaches only its own run; every write is in the audit
 * log with the key that made it.
 */
class ApiKeysE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  private final AbacusClient admin = server.client();
  private final ListAppender<ILoggingEvent> audit = new ListAppender<>();

  @BeforeEach
  void listen_to_the_audit_log() {
    audit.start();
    ((Logger) LoggerFactory.getLogger("dev.penstock.audit")).addAppender(audit);
  }

  @AfterEach
  void stop_listening() {
    ((Logger) LoggerFactory.getLogger("dev.penstock.audit")).detachAppender(audit);
  }

  @Test
  void a_key_is_shown_once_listed_without_its_secret_and_refused_once_revoked() {
    JsonNode created = admin.call("createApiKey", params("scope", "READ_ONLY", "tag", "ci"));
    String key = created.path("apiKey").asText();
    String id = created.path("apiKeyId").asText();
    assertThat(key).startsWith("pk-").endsWith(created.path("apiKeySuffix").asText());
    assertThat(created.path("scope").asText()).isEqualTo("READ_ONLY");

    JsonNode listed = byId(admin.call("listApiKeys", params("type", "default")), id);
    assertThat(listed.path("apiKey").asText()).contains("…").doesNotContain(key);
    assertThat(listed.path("tag").asText()).isEqualTo("ci");
    assertThat(listed.path("type").asText()).isEqualTo("default");
    assertThat(listed.path("isExpired").asBoolean()).isFalse();

    AbacusClient reader = admin.withKey(key);
    assertThat(reader.call("listPipelines").isArray()).isTrue();
    assertThat(byId(admin.call("listApiKeys"), id).path("lastUsedAt").isNull()).isFalse();

    admin.call("deleteApiKey", params("apiKeyId", id));
    assertFails(
        () -> reader.call("listPipelines"), 403, "PermissionDeniedError", "Invalid API key");
    assertThat(admin.call("listApiKeys").findValuesAsText("apiKeyId")).doesNotContain(id);
  }

  @Test
  void a_read_only_key_reads_but_changes_nothing_and_manages_no_keys() {
    String pipelineId = createPipeline(admin, Steps.uniqueName("read-only"));
    AbacusClient reader =
        admin.withKey(
            admin.call("createApiKey", params("scope", "READ_ONLY")).path("apiKey").asText());

    assertThat(
            reader
                .call("describePipeline", params("pipelineId", pipelineId))
                .path("pipelineId")
                .asText())
        .isEqualTo(pipelineId);
    assertFails(
        () -> reader.call("deletePipeline", params("pipelineId", pipelineId)),
        403,
        "PermissionDeniedError",
        "read-only, and deletePipeline changes state");
    assertFails(
        () -> reader.call("listApiKeys"), 403, "PermissionDeniedError", "needs an admin API key");
    assertFails(
        () -> reader.call("createApiKey", params("scope", "ADMIN")),
        403,
        "PermissionDeniedError",
        "needs an admin API key");
    assertThat(
            admin
                .call("describePipeline", params("pipelineId", pipelineId))
                .path("pipelineId")
                .asText())
        .isEqualTo(pipelineId);
  }

  @Test
  void keys_rotate_without_a_restart() {
    JsonNode old = admin.call("createApiKey", params("scope", "ADMIN", "tag", "old"));
    AbacusClient oldClient = admin.withKey(old.path("apiKey").asText());
    JsonNode fresh = oldClient.call("createApiKey", params("scope", "ADMIN", "tag", "rotated in"));
    AbacusClient freshClient = admin.withKey(fresh.path("apiKey").asText());

    freshClient.call("deleteApiKey", params("apiKeyId", old.path("apiKeyId").asText()));

    assertFails(
        () -> oldClient.call("listPipelines"), 403, "PermissionDeniedError", "Invalid API key");
    assertThat(freshClient.call("listPipelines").isArray()).isTrue();
    assertFails(
        () -> freshClient.call("createApiKey", params("scope", "OWNER")),
        400,
        "InvalidParameterError",
        "scope must be ADMIN or READ_ONLY");
  }

  @Test
  void the_last_admin_key_cannot_be_revoked() {
    try (TestServer alone = TestServer.start()) {
      AbacusClient only = alone.client();
      String id = only.call("listApiKeys").get(0).path("apiKeyId").asText();

      assertFails(
          () -> only.call("deleteApiKey", params("apiKeyId", id)),
          409,
          "ConflictError",
          "last admin key");
      assertThat(only.call("listPipelines").isArray()).isTrue();
    }
  }

  @Test
  void a_run_key_reaches_its_own_run_and_nothing_else() {
    String other = createPipeline(admin, Steps.uniqueName("someone-elses"));
    StepRequest.named("quiet")
        .source("def quiet():\n    pass\n")
        .function("quiet")
        .addTo(admin, other);
    String otherRun = Steps.run(admin, other, List.of());
    String otherStepVersion =
        Steps.awaitFinished(admin, otherRun)
            .path("stepVersions")
            .get(0)
            .path("pipelineStepVersion")
            .asText();
    String pipelineId = createPipeline(admin, Steps.uniqueName("prober"));
    StepRequest.named("probe")
        .source(PROBE)
        .function("probe")
        .input("other_pipeline", "STRING", other)
        .input("other_version", "STRING", otherRun)
        .input("other_step_version", "STRING", otherStepVersion)
        .output("codes", "JSON")
        .addTo(admin, pipelineId);

    JsonNode version = Steps.awaitFinished(admin, Steps.run(admin, pipelineId, List.of()));

    assertThat(version.path("status").asText())
        .as(Steps.stepVersion(version, "probe").toString())
        .isEqualTo("COMPLETE");
    JsonNode codes = Steps.outputValue(version, "probe", "codes");
    assertThat(codes.path("handshake").asInt()).isEqualTo(200);
    assertThat(codes.path("own_version").asInt()).isEqualTo(200);
    assertThat(codes.path("own_logs").asInt()).isEqualTo(200);
    assertThat(codes.path("own_step_version").asInt()).isEqualTo(200);
    assertThat(codes.path("other_version").asInt()).isEqualTo(403);
    assertThat(codes.path("other_step_version").asInt()).isEqualTo(403);
    assertThat(codes.path("list_pipelines").asInt()).isEqualTo(403);
    assertThat(codes.path("run_other").asInt()).isEqualTo(403);
    assertThat(codes.path("delete_other").asInt()).isEqualTo(403);
    assertThat(
            admin.call("describePipeline", params("pipelineId", other)).path("pipelineId").asText())
        .isEqualTo(other);
    assertThat(admin.call("listPipelineVersions", params("pipelineId", other, "limit", 10)).size())
        .isEqualTo(1);
  }

  @Test
  void every_write_is_in_the_audit_log_with_the_key_that_made_it() {
    JsonNode created = admin.call("createApiKey", params("scope", "READ_ONLY", "tag", "audited"));
    AbacusClient reader = admin.withKey(created.path("apiKey").asText());
    createPipeline(admin, Steps.uniqueName("audited"));
    reader.call("listPipelines");
    try {
      reader.call("createPipeline", params("pipelineName", Steps.uniqueName("refused")));
    } catch (RuntimeException refused) {
      // what matters is the log line
    }

    List<String> lines = audit.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines)
        .anyMatch(line -> line.matches("key:\\S+ createApiKey -> 200 \\(request \\S+\\)"));
    assertThat(lines).anyMatch(line -> line.matches("key:\\S+ createPipeline -> 200 .*"));
    assertThat(lines)
        .anyMatch(
            line ->
                line.startsWith(
                    "key:" + created.path("apiKeyId").asText() + " createPipeline -> 403"));
    assertThat(lines).noneMatch(line -> line.contains("listPipelines"));
    assertThat(lines).noneMatch(line -> line.contains(created.path("apiKey").asText()));
  }

  private static JsonNode byId(JsonNode keys, String id) {
    for (JsonNode key : keys) {
      if (key.path("apiKeyId").asText().equals(id)) {
        return key;
      }
    }
    throw new AssertionError("no key " + id + " in " + keys);
  }

  /** A step that tries its run's key on its own run and on what is not its own. */
  private static final String PROBE =
      """
      import json, os, urllib.error, urllib.request

      def probe(other_pipeline, other_version, other_step_version):
          server = os.environ["ABACUS_API_SERVER"]
          key = os.environ["ABACUS_API_KEY"]
          own = os.environ["PENSTOCK_PIPELINE_VERSION"]

          def call(verb, method, query="", body=None):
              request = urllib.request.Request(
                  server + "/api/v0/" + method + query, method=verb,
                  headers={"apiKey": key, "Content-Type": "application/json"},
                  data=None if body is None else json.dumps(body).encode())
              try:
                  with urllib.request.urlopen(request) as response:
                      return response.status, json.load(response)
              except urllib.error.HTTPError as error:
                  return error.code, None

          status, mine = call("GET", "describePipelineVersion", "?pipelineVersion=" + own)
          step_version = mine["result"]["stepVersions"][0]["pipelineStepVersion"]
          theirs = call("GET", "describePipelineVersion", "?pipelineVersion=" + other_version)
          return {
              "handshake": call("GET", "getApiEndpoint")[0],
              "own_version": status,
              "own_logs": call("GET", "listPipelineVersionLogs", "?pipelineVersion=" + own)[0],
              "own_step_version": call(
                  "GET", "describePipelineStepVersion", "?pipelineStepVersion=" + step_version)[0],
              "other_version": theirs[0],
              "other_step_version": call(
                  "GET", "getStepVersionLogs", "?pipelineStepVersion=" + other_step_version)[0],
              "list_pipelines": call("GET", "listPipelines")[0],
              "run_other": call("POST", "runPipeline", body={
                  "pipelineId": other_pipeline, "pipelineVariableMappings": None})[0],
              "delete_other": call("DELETE", "deletePipeline", "?pipelineId=" + other_pipeline)[0],
          }
      """;
}
