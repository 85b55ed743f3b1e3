package dev.penstock.e2e;

import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ServerProcess;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import dev.penstock.testing.TestWheels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --step-requirements abacusai} gives every step the SDK, so {@code ApiClient()} with no
 * arguments works inside a step, as on the hosted service. The official SDK cannot be installed
 * here (PyPI is out of reach), so pip installs a stand-in wheel named abacusai, built by this test,
 * whose ApiClient does what the SDK's does first: read ABACUS_API_KEY and ABACUS_API_SERVER, ask
 * getApiEndpoint, then call a method with the apiKey header.
 */
class SdkInStepE2ETest {
  private static final String STAND_IN =
      """
      import json, os, urllib.parse, urllib.request

      class ApiClient:
          def __init__(self, api_key=None, server=None):
              self.api_key = api_key or os.environ["ABACUS_API_KEY"]
              self.server = server or os.environ["ABACUS_API_SERVER"]
              self.endpoints = self._get("getApiEndpoint")

          def _get(self, method, **query):
              url = self.server + "/api/v0/" + method
              if query:
                  url += "?" + urllib.parse.urlencode(query)
              request = urllib.request.Request(url, headers={"apiKey": self.api_key})
              with urllib.request.urlopen(request) as response:
                  return json.load(response)["result"]

          def describe_pipeline_version(self, pipeline_version):
              return self._get("describePipelineVersion", pipelineVersion=pipeline_version)
      """;

  @TempDir Path home;

  @Test
  void every_step_gets_the_sdk_and_api_client_with_no_arguments_reaches_its_run() throws Exception {
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx--x--x"));
    Path wheels = home.resolve("wheels");
    TestWheels.write(wheels, "abacusai", "1.4.105", STAND_IN);
    var args =
        new ArrayList<>(
            List.of(
                "--data-dir",
                home.resolve("data").toString(),
                "--admin-api-key",
                TestServer.ADMIN_KEY,
                "--step-requirements",
                "abacusai"));
    try (var server = ServerProcess.startIn(home, args, TestWheels.pipSettings(wheels))) {
      AbacusClient client = server.client();
      String pipelineId = createPipeline(client, Steps.uniqueName("sdk"));
      StepRequest.named("use_sdk")
          .source(
              """
              import os

              def use_sdk():
                  from abacusai import ApiClient
                  client = ApiClient()
                  run = client.describe_pipeline_version(os.environ["PENSTOCK_PIPELINE_VERSION"])
                  return {"status": run["status"], "api": client.endpoints["apiEndpoint"]}
              """)
          .function("use_sdk")
          .output("seen", "JSON")
          .addTo(client, pipelineId);

      JsonNode version = Steps.awaitFinished(client, Steps.run(client, pipelineId, List.of()));

      assertThat(version.path("status").asText())
          .as(Steps.stepVersion(version, "use_sdk").path("error").asText())
          .isEqualTo("COMPLETE");
      JsonNode seen = outputValue(version, "use_sdk", "seen");
      assertThat(seen.path("status").asText()).isEqualTo("RUNNING");
      assertThat(seen.path("api").asText()).isEqualTo(server.url());
      assertThat(Steps.stepVersion(version, "use_sdk").path("packageRequirements"))
          .as("the step's own requirements stay its own")
          .isEmpty();
    }
  }
}
