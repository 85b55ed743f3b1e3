package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.createPipeline;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ServerProcess;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `penstock server` as a newcomer starts it: no settings but the port, in a fresh directory. The
 * data directory is the default, relative ./penstock-data, and the admin key is made and printed.
 */
class FirstStartE2ETest {
  @TempDir Path home;

  @Test
  void a_first_start_makes_a_private_admin_key_prints_it_once_and_runs_steps() throws Exception {
    String key;
    // A home a step running as nobody can pass through to the data directory inside it.
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
    try (ServerProcess server = ServerProcess.startIn(home, List.of())) {
      Path keyFile = home.resolve("penstock-data").resolve("server").resolve("admin-api-key");
      assertThat(keyFile).exists();
      assertThat(Files.getPosixFilePermissions(keyFile))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      key = Files.readString(keyFile).trim();
      assertThat(String.join("\n", server.startupOutput())).contains(key);

      AbacusClient client = new AbacusClient(server.url(), key);
      String pipelineId = createPipeline(client, "first");
      StepRequest.named("hello")
          .source("def hello():\n    print('hello from a step')\n    return 'hi'\n")
          .function("hello")
          .output("greeting", "STRING")
          .addTo(client, pipelineId);
      JsonNode version = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));
      assertThat(version.path("status").asText()).isEqualTo("COMPLETE");
      assertThat(Steps.logs(client, Steps.stepVersion(version, "hello")))
          .contains("hello from a step");
    }
    try (ServerProcess again = ServerProcess.startIn(home, List.of())) {
      assertThat(String.join("\n", again.startupOutput())).doesNotContain(key);
      assertThat(
              new AbacusClient(again.url(), key)
                  .call("listPipelines", params())
                  .findValuesAsText("pipelineName"))
          .contains("first");
    }
  }
}
