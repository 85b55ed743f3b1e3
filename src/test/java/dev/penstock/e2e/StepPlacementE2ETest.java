package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.ApiAssertions.assertFails;
import static dev.penstock.testing.Steps.outputValue;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The executor and stepImage extensions on createPipeline and updatePipeline, through the real
 * server: where a pipeline's steps run, kept until changed, default going back to the server's, and
 * a bad value refused with nothing changed. That a run keeps the placement it started with, and
 * hands it to each launch, is SchedulerTest's and the store contract's.
 */
class StepPlacementE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  private static final String IMAGE = "registry.example.com/team/steps:3.12";
  private final AbacusClient client = server.client();

  private static void assertPlacement(JsonNode pipeline, String executor, String stepImage) {
    assertThat(pipeline.has("executor")).as("executor shown, even when null").isTrue();
    assertThat(pipeline.has("stepImage")).as("stepImage shown, even when null").isTrue();
    assertThat(pipeline.path("executor").isNull() ? null : pipeline.path("executor").asText())
        .as("executor of " + pipeline)
        .isEqualTo(executor);
    assertThat(pipeline.path("stepImage").isNull() ? null : pipeline.path("stepImage").asText())
        .as("stepImage of " + pipeline)
        .isEqualTo(stepImage);
  }

  private JsonNode describe(String pipelineId) {
    return client.call("describePipeline", params("pipelineId", pipelineId));
  }

  private JsonNode update(String pipelineId, Object... more) {
    var params = params(more);
    params.put("pipelineId", pipelineId);
    return client.call("updatePipeline", params);
  }

  @Test
  void a_pipeline_created_without_a_placement_leaves_it_to_the_server() {
    String pipelineId = Steps.createPipeline(client, uniqueName("plain"));

    assertPlacement(describe(pipelineId), null, null);
  }

  @Test
  void executor_and_step_image_round_trip_through_create_update_and_describe() {
    String name = uniqueName("placed");
    JsonNode created =
        client.call(
            "createPipeline",
            params("pipelineName", name, "executor", "kubernetes", "stepImage", IMAGE));
    String pipelineId = created.path("pipelineId").asText();
    assertPlacement(created, "kubernetes", IMAGE);
    assertPlacement(describe(pipelineId), "kubernetes", IMAGE);
    assertPlacement(
        client.call("describePipelineByName", params("pipelineName", name)), "kubernetes", IMAGE);

    assertPlacement(update(pipelineId, "executor", "local"), "local", IMAGE);
    String digest = "python@sha256:" + "0123456789abcdef".repeat(4);
    assertPlacement(update(pipelineId, "stepImage", digest), "local", digest);
    assertPlacement(update(pipelineId, "isProd", true), "local", digest);
    String longest = "registry.example.com/" + "a".repeat(255 - 21);
    assertPlacement(update(pipelineId, "stepImage", longest), "local", longest);
    assertPlacement(update(pipelineId, "stepImage", "default"), "local", null);
    assertPlacement(update(pipelineId, "executor", "default"), null, null);
    assertPlacement(describe(pipelineId), null, null);
  }

  @Test
  void a_bad_executor_or_step_image_is_refused_and_changes_nothing() {
    String name = uniqueName("refused");
    assertFails(
        () -> client.call("createPipeline", params("pipelineName", name, "executor", "docker")),
        400,
        "InvalidParameterError",
        "executor must be local, kubernetes or default, not 'docker'");
    assertFails(
        () ->
            client.call("createPipeline", params("pipelineName", name, "stepImage", "python 3.12")),
        400,
        "InvalidParameterError",
        "stepImage holds the character U+0020 at position 6; a container image reference has no"
            + " whitespace or control characters");
    assertFails(
        () ->
            client.call(
                "createPipeline", params("pipelineName", name, "stepImage", "a".repeat(256))),
        400,
        "InvalidParameterError",
        "stepImage is 256 characters long; a container image reference has at most 255");
    assertFails(
        () -> client.call("createPipeline", params("pipelineName", name, "stepImage", "")),
        400,
        "InvalidParameterError",
        "stepImage must be a container image reference or default, not empty");
    assertFails(
        () -> client.call("describePipelineByName", params("pipelineName", name)),
        404,
        "DataNotFoundError",
        name);

    String pipelineId =
        client
            .call(
                "createPipeline",
                params("pipelineName", name, "executor", "kubernetes", "stepImage", IMAGE))
            .path("pipelineId")
            .asText();
    assertFails(
        () -> update(pipelineId, "executor", "KUBERNETES", "isProd", true),
        400,
        "InvalidParameterError",
        "not 'KUBERNETES'");
    assertFails(
        () -> update(pipelineId, "executor", "local", "stepImage", "python:3.12\n"),
        400,
        "InvalidParameterError",
        "stepImage holds the character U+000A at position 11");
    JsonNode pipeline = describe(pipelineId);
    assertPlacement(pipeline, "kubernetes", IMAGE);
    assertThat(pipeline.path("isProd").asBoolean()).isFalse();
  }

  @Test
  void a_pipeline_placed_on_the_local_executor_runs_its_steps_on_this_server() {
    String pipelineId =
        client
            .call(
                "createPipeline",
                params("pipelineName", uniqueName("here"), "executor", "local", "stepImage", IMAGE))
            .path("pipelineId")
            .asText();
    StepRequest.named("answer")
        .source("def answer():\n    return 42\n")
        .function("answer")
        .output("value", "INTEGER")
        .addTo(client, pipelineId);

    JsonNode done = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));

    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETE");
    assertThat(outputValue(done, "answer", "value").asInt()).isEqualTo(42);
  }
}
