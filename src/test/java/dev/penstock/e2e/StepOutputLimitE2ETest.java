package dev.penstock.e2e;

import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.run;
import static dev.penstock.testing.Steps.stepVersion;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Return values the server must not take in (issue 9: a 50 MB output left its run RUNNING for good,
 * 104 MB crashed the executor with an OutOfMemoryError), and a return value that misses its output.
 * A value past the inline limit (1 MB) is stored as an artifact, here of at most 20 MB: past it,
 * each of these fails its step with a message saying why, without writing the rest (the runner
 * stops measuring at ten times the limit), and the run ends FAILED within the minute the step's
 * timeout would give it.
 */
class StepOutputLimitE2ETest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass(Map.of(ConfigKey.MAX_ARTIFACT_SIZE, "20MB"));

  private final AbacusClient client = server.client();

  @Test
  void a_50_mb_output_fails_its_step_at_once_saying_how_large_it_is() {
    JsonNode step = runStep("return ['y' * 100] * 500000", "LIST");

    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("error").asText())
        .isEqualTo("output 'y' is 49.6 MB as json, over the limit of 20 MB (max-artifact-size)");
  }

  @Test
  void a_1_gb_output_fails_its_step_as_promptly() {
    JsonNode step = runStep("return ['y' * 1000] * 1000000", "LIST");

    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("error").asText())
        .isEqualTo(
            "output 'y' is more than 200 MB as json, over the limit of 20 MB (max-artifact-size)");
  }

  @Test
  void an_output_nested_too_deep_fails_its_step() {
    JsonNode step =
        runStep(
            """
            value = 1
                for _ in range(990):
                    value = [value]
                return value""",
            "LIST");

    assertThat(step.path("error").asText())
        .startsWith("the value returned by make is nested more than 100 lists or dicts deep");
  }

  @Test
  void a_returned_dict_without_the_declared_output_names_it_as_missing() {
    JsonNode step = runStep("return {'nope': 1}", "INTEGER");

    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("outputErrors").asText())
        .isEqualTo("output 'y' is missing: the function returned a dict with keys nope");
  }

  /** Runs a one-step pipeline whose function {@code make} has {@code body}; returns its step. */
  private JsonNode runStep(String body, String outputType) {
    String pipelineId = createPipeline(client, uniqueName("output"));
    StepRequest.named("make")
        .source("def make():\n    " + body + "\n")
        .function("make")
        .output("y", outputType)
        .timeout(1)
        .addTo(client, pipelineId);
    String versionId = run(client, pipelineId, List.of());
    JsonNode version = server.awaitFinished(versionId, Duration.ofSeconds(60));
    assertThat(version.path("status").asText()).isEqualTo("FAILED");
    return stepVersion(version, "make");
  }
}
