package dev.penstock.e2e.isolation;

import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Steps forked by the fork server under Landlock, the default here. */
class ForkServerContainmentE2ETest extends StepContainmentE2ETest {
  private static final Map<ConfigKey, String> WAY =
      Map.of(ConfigKey.STEP_ISOLATION, "landlock", ConfigKey.ISOLATION, "step");

  @RegisterExtension static final TestServer server = TestServer.perClass(settings(WAY));

  @Override
  TestServer server() {
    return server;
  }

  /**
   * The fork server imports what the step imports before it forks the step's process, and the
   * confined child uses it: sqlite3 (with its C extension) stands in for pandas, which CI's Python
   * lacks. Its data directory stays out of reach all the same.
   */
  @Test
  void a_library_the_step_imports_is_loaded_before_the_step_and_works_confined() {
    String source =
        """
        import os
        import sys
        LOADED_BEFORE = "sqlite3" in sys.modules
        import sqlite3

        def step(data_dir):
            rows = sqlite3.connect(":memory:").execute("select 6 * 7").fetchall()
            try:
                os.listdir(data_dir)
                reached = True
            except PermissionError:
                reached = False
            return [LOADED_BEFORE, rows[0][0], reached]
        """;
    var client = server.client();
    String pipelineId = createPipeline(client, Steps.uniqueName("preload"));
    StepRequest.named("s")
        .source(source)
        .function("step")
        .input("data_dir", "STRING", server.dataDir().toString())
        .output("out", "JSON")
        .addTo(client, pipelineId);

    JsonNode version =
        server.awaitFinished(Steps.run(client, pipelineId, List.of()), Duration.ofSeconds(90));

    assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(outputValue(version, "s", "out").toString()).isEqualTo("[true,42,false]");
  }
}
