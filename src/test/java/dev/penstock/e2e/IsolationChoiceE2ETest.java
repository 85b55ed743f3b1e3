package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.ApiAssertions.assertFails;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.SignedInHttp;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The isolation extension on createPipeline and updatePipeline, through the real server (whose
 * default is run): a library's state set by one step reaches the next step of its run only at
 * isolation run, and never a step of another run.
 */
class IsolationChoiceE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();
  private final AbacusClient client = server.client();

  private static final String SOURCE =
      """
      import json

      def mark(run):
          seen = getattr(json, "penstock_mark", "none")
          json.penstock_mark = run
          return seen

      def look():
          return getattr(json, "penstock_mark", "none")
      """;

  /** A pipeline whose second step reports the mark the first step of its run left, if any. */
  private String twoSteps(String pipelineId) {
    StepRequest.named("mark")
        .source(SOURCE)
        .function("mark")
        .fromVariable("run", "STRING", "run")
        .output("seen", "STRING")
        .addTo(client, pipelineId);
    StepRequest.named("look")
        .source(SOURCE)
        .function("look")
        .output("mark", "STRING")
        .after("mark")
        .addTo(client, pipelineId);
    return pipelineId;
  }

  private JsonNode run(String pipelineId, String name) {
    JsonNode done =
        Steps.awaitFinished(
            client,
            Steps.run(client, pipelineId, List.of(Steps.input("run", "STRING", name, null))));
    assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("COMPLETE");
    return done;
  }

  @Test
  void by_default_a_runs_steps_share_their_libraries_state_and_other_runs_do_not() {
    String pipelineId = twoSteps(createPipeline(client, Steps.uniqueName("warm")));

    JsonNode first = run(pipelineId, "first");
    JsonNode second = run(pipelineId, "second");

    assertThat(outputValue(first, "look", "mark").asText()).isEqualTo("first");
    assertThat(outputValue(second, "mark", "seen").asText())
        .as("nothing of the first run")
        .isEqualTo("none");
    assertThat(outputValue(second, "look", "mark").asText()).isEqualTo("second");
    JsonNode pipeline = client.call("describePipeline", params("pipelineId", pipelineId));
    assertThat(pipeline.path("isolation").isNull()).isTrue();
  }

  @Test
  void a_pipeline_at_isolation_step_or_process_gives_each_step_a_process_of_its_own() {
    JsonNode created =
        client.call(
            "createPipeline",
            params("pipelineName", Steps.uniqueName("per_step"), "isolation", "step"));
    assertThat(created.path("isolation").asText()).isEqualTo("step");
    String pipelineId = twoSteps(created.path("pipelineId").asText());
    assertThat(
            SignedInHttp.signIn(server.url(), TestServer.ADMIN_KEY)
                .get("/pipelines/" + pipelineId)
                .body())
        .as("the pipeline page says so")
        .contains("isolation step");

    JsonNode perStep = run(pipelineId, "one");
    JsonNode updated =
        client.call("updatePipeline", params("pipelineId", pipelineId, "isolation", "process"));
    JsonNode perProcess = run(pipelineId, "two");
    client.call("updatePipeline", params("pipelineId", pipelineId, "isolation", "default"));
    JsonNode shared = run(pipelineId, "three");

    assertThat(outputValue(perStep, "look", "mark").asText()).isEqualTo("none");
    assertThat(updated.path("isolation").asText()).isEqualTo("process");
    assertThat(outputValue(perProcess, "look", "mark").asText()).isEqualTo("none");
    assertThat(outputValue(shared, "look", "mark").asText()).isEqualTo("three");
  }

  @Test
  void an_unknown_isolation_is_refused_and_changes_nothing() {
    String name = Steps.uniqueName("pod");
    assertFails(
        () -> client.call("createPipeline", params("pipelineName", name, "isolation", "pod")),
        400,
        "InvalidParameterError",
        "isolation must be run, step, process or default, not 'pod'");
    assertFails(
        () -> client.call("describePipelineByName", params("pipelineName", name)),
        404,
        "DataNotFoundError",
        name);
    String pipelineId = createPipeline(client, name);
    assertFails(
        () -> client.call("updatePipeline", params("pipelineId", pipelineId, "isolation", "RUN")),
        400,
        "InvalidParameterError",
        "not 'RUN'");
    JsonNode pipeline = client.call("describePipeline", params("pipelineId", pipelineId));
    assertThat(pipeline.path("isolation").isNull()).isTrue();
  }
}
