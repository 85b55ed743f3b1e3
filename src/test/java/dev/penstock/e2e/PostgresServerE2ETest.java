package dev.penstock.e2e;

import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.EmbeddedPostgresServer;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The whole server on a real PostgreSQL (zonky's embedded binaries) instead of SQLite. */
class PostgresServerE2ETest {

  @Test
  void a_pipeline_runs_to_completion_with_postgresql_as_the_store() {
    try (TestServer server =
        TestServer.start(Map.of(ConfigKey.DB_URL, EmbeddedPostgresServer.newDatabase()))) {
      AbacusClient client = server.client();
      String source = "def inc(x):\n    return x + 1\n";
      String pipelineId = createPipeline(client, Steps.uniqueName("pg"));
      StepRequest.named("one")
          .source(source)
          .function("inc")
          .input("x", "INTEGER", 1)
          .output("y", "INTEGER")
          .addTo(client, pipelineId);
      StepRequest.named("two")
          .source(source)
          .function("inc")
          .fromVariable("x", "INTEGER", "y")
          .output("z", "INTEGER")
          .after("one")
          .addTo(client, pipelineId);
      JsonNode version = server.awaitFinished(Steps.run(client, pipelineId, List.of()));
      assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
      assertThat(outputValue(version, "two", "z").asInt()).isEqualTo(3);
    }
  }
}
