package dev.penstock.e2e;

import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static dev.penstock.testing.Steps.stepVersion;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The parallel limit, cpuSize slots and package requirements, through the real server. */
class SchedulingE2ETest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass(Map.of(ConfigKey.PARALLEL_LIMIT, "2"));

  private final AbacusClient client = server.client();

  private static final String TIMED =
      """
      import time

      def timed(i):
          start = time.time()
          time.sleep(0.6)
          return {"span": [start, time.time()]}
      """;

  private static List<double[]> spans(JsonNode version, int count) {
    var spans = new ArrayList<double[]>();
    for (int i = 0; i < count; i++) {
      JsonNode span = outputValue(version, "t" + i, "span");
      spans.add(new double[] {span.get(0).asDouble(), span.get(1).asDouble()});
    }
    return spans;
  }

  /** The most steps whose spans overlap at one moment. */
  private static int maxOverlap(List<double[]> spans) {
    int most = 0;
    for (double[] probe : spans) {
      double moment = probe[0] + 0.0001;
      int running = 0;
      for (double[] span : spans) {
        if (span[0] <= moment && moment < span[1]) {
          running++;
        }
      }
      most = Math.max(most, running);
    }
    return most;
  }

  private JsonNode runTimedSteps(String cpuSize, int count) {
    String pipelineId = createPipeline(client, Steps.uniqueName("limit"));
    for (int i = 0; i < count; i++) {
      StepRequest.named("t" + i)
          .source(TIMED)
          .function("timed")
          .cpuSize(cpuSize)
          .input("i", "INTEGER", i)
          .output("span", "LIST")
          .addTo(client, pipelineId);
    }
    JsonNode version = server.awaitFinished(Steps.run(client, pipelineId, List.of()));
    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    return version;
  }

  @Test
  void independent_steps_run_in_parallel_up_to_the_parallel_limit() {
    var spans = spans(runTimedSteps("small", 4), 4);
    assertThat(maxOverlap(spans)).isEqualTo(2);
  }

  @Test
  void a_large_step_takes_every_slot_so_large_steps_run_one_at_a_time() {
    var spans = spans(runTimedSteps("large", 3), 3);
    assertThat(maxOverlap(spans)).isEqualTo(1);
  }

  @Test
  void a_step_whose_requirements_are_not_installed_fails_listing_them() {
    String pipelineId = createPipeline(client, Steps.uniqueName("packages"));
    StepRequest.named("needs")
        .source("def f():\n    return 1\n")
        .function("f")
        .requirements("surely-not-installed-penstock-pkg==1.0", "json-missing-too")
        .addTo(client, pipelineId);
    JsonNode step =
        stepVersion(server.awaitFinished(Steps.run(client, pipelineId, List.of())), "needs");
    assertThat(step.path("status").asText()).isEqualTo("FAILED");
    assertThat(step.path("error").asText())
        .contains("surely-not-installed-penstock-pkg==1.0")
        .contains("json-missing-too");
  }
}
