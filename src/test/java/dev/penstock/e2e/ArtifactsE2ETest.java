package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.outputValue;
import static dev.penstock.testing.Steps.run;
import static dev.penstock.testing.Steps.stepVersion;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.app.ConfigKey;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.ApiException;
import dev.penstock.testing.SharedFolders;
import dev.penstock.testing.StepRequest;
import dev.penstock.testing.TestPython;
import dev.penstock.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data between steps (issue 12), through the real server and a real Python with Debian's pandas: a
 * DataFrame, bytes, a file and a 200 MB value pass from step to step by reference, as their own
 * Python types, while the run's answers stay small; files a step writes into its outputs folder are
 * listed and downloaded as written; an artifact over the limit fails its step, saying so.
 */
class ArtifactsE2ETest {
  @RegisterExtension
  static final TestServer server =
      TestServer.perClass(Map.of(ConfigKey.MAX_ARTIFACT_SIZE, "250MB"));

  private final AbacusClient client = server.client();
  @TempDir Path downloads;

  @Test
  void a_million_row_data_frame_passes_to_the_next_step_and_out_through_the_api() throws Exception {
    String pipelineId = createPipeline(client, uniqueName("frames"));
    StepRequest.named("make")
        .source(
            """
            import pandas as pd

            def make(rows):
                return pd.DataFrame({"i": range(rows), "half": [n / 2 for n in range(rows)]})
            """)
        .function("make")
        .input("rows", "INTEGER", 1_000_000)
        .output("frame", "DATASET_ID")
        .addTo(client, pipelineId);
    StepRequest.named("total")
        .source(
            """
            def total(frame):
                return {"type": type(frame).__name__, "rows": len(frame),
                        "sum": int(frame["i"].sum()), "last": float(frame["half"].iloc[-1])}
            """)
        .function("total")
        .fromVariable("frame", "FEATURE_GROUP", "frame")
        .output("summary", "JSON")
        .after("make")
        .addTo(client, pipelineId);

    String versionId = run(client, pipelineId, List.of());
    JsonNode version = server.awaitFinished(versionId, Duration.ofSeconds(120));

    assertThat(version.path("status").asText()).as(version.toPrettyString()).isEqualTo("COMPLETE");
    JsonNode summary = outputValue(version, "total", "summary");
    assertThat(summary.path("type").asText()).isEqualTo("DataFrame");
    assertThat(summary.path("rows").asLong()).isEqualTo(1_000_000);
    assertThat(summary.path("sum").asLong()).isEqualTo(499_999_500_000L);
    assertThat(summary.path("last").asDouble()).isEqualTo(499_999.5);

    JsonNode frame = outputValue(version, "make", "frame");
    assertThat(frame.path("kind").asText()).isEqualTo("TABLE");
    assertThat(frame.path("step").asText()).isEqualTo("make");
    assertThat(frame.path("preview").path("rows").asLong()).isEqualTo(1_000_000);
    assertThat(frame.path("preview").path("columns").findValuesAsText("name"))
        .containsExactly("i", "half");
    JsonNode references = stepVersion(version, "make").path("pipelineStepVersionReferences");
    assertThat(references).hasSize(1);
    assertThat(references.get(0).path("objectType").asText()).isEqualTo("FEATURE_GROUP");
    assertThat(references.get(0).path("pipelineStepVersionReferenceId").asText())
        .isEqualTo(frame.path("penstockArtifact").asText());

    JsonNode listed =
        client.call("listPipelineVersionArtifacts", params("pipelineVersion", versionId));
    assertThat(listed).hasSize(1);
    Path file = download(versionId, frame.path("penstockArtifact").asText(), "frame");
    assertThat(Files.size(file)).isEqualTo(frame.path("size").asLong());
    assertThat(
            python(
                "import pandas, sys; f = pandas.read_"
                    + frame.path("format").asText()
                    + "(sys.argv[1]); print(f.shape, int(f['i'].sum()))",
                file))
        .isEqualTo("(1000000, 2) 499999500000");
  }

  @Test
  void files_in_the_outputs_folder_are_listed_and_downloaded_as_written() throws Exception {
    String pipelineId = createPipeline(client, uniqueName("reports"));
    StepRequest.named("report")
        .source(
            """
            import os

            def report():
                folder = os.environ["PENSTOCK_OUTPUTS_DIR"]
                os.makedirs(os.path.join(folder, "tables"))
                with open(os.path.join(folder, "summary.txt"), "w") as out:
                    out.write("rows: 3\\n")
                with open(os.path.join(folder, "tables", "scores.csv"), "w") as out:
                    out.write("name,score\\nada,3\\n")
                with open(os.path.join(folder, "résumé.md"), "w") as out:
                    out.write("# ada\\n")
                os.symlink("/etc/passwd", os.path.join(folder, "passwords.txt"))
            """)
        .function("report")
        .addTo(client, pipelineId);

    String versionId = run(client, pipelineId, List.of());
    JsonNode version = server.awaitFinished(versionId, Duration.ofSeconds(60));

    assertThat(version.path("status").asText()).as(version.toPrettyString()).isEqualTo("COMPLETE");
    JsonNode listed =
        client.call("listPipelineVersionArtifacts", params("pipelineVersion", versionId));
    assertThat(listed.findValuesAsText("name"))
        .containsExactly("résumé.md", "summary.txt", "tables/scores.csv");
    assertThat(listed.findValuesAsText("objectType")).containsOnly("ATTACHMENT");
    assertThat(listed.get(0).path("outputName").isNull()).isTrue();
    assertThat(listed.get(0).path("contentType").asText()).isEqualTo("text/markdown");
    assertThat(stepVersion(version, "report").path("pipelineStepVersionReferences")).hasSize(3);

    var response =
        client.download(
            "downloadPipelineVersionArtifact",
            params(
                "pipelineVersion",
                versionId,
                "artifactId",
                listed.get(2).path("artifactId").asText()),
            downloads.resolve("scores.csv"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("text/csv"));
    assertThat(response.headers().firstValue("Content-Disposition"))
        .hasValueSatisfying(value -> assertThat(value).contains("filename=\"scores.csv\""));
    assertThat(Files.readString(response.body())).isEqualTo("name,score\nada,3\n");

    assertThatThrownBy(
            () ->
                client.call(
                    "listPipelineVersionArtifacts", params("pipelineVersion", "0123456789abcdef")))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.getMessage()).contains("not found"));
    var missing =
        client.download(
            "downloadPipelineVersionArtifact",
            params("pipelineVersion", versionId, "artifactId", "0123456789abcdef"),
            downloads.resolve("missing"));
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(Files.readString(missing.body()))
        .contains("\"success\":false", "Artifact not found");
  }

  @Test
  void a_200_mb_value_bytes_and_a_file_pass_by_reference_while_the_answers_stay_small() {
    String pipelineId = createPipeline(client, uniqueName("big"));
    StepRequest.named("make")
        .source(
            """
            import pathlib

            def make():
                pathlib.Path("notes.md").write_text("# made\\n")
                return {"big": "x" * 200_000_000, "raw": bytes(range(256)),
                        "notes": pathlib.Path("notes.md")}
            """)
        .function("make")
        .output("big", "STRING")
        .output("raw", "ANY")
        .output("notes", "ATTACHMENT")
        .addTo(client, pipelineId);
    StepRequest.named("use")
        .source(
            """
            def use(big, raw, notes):
                with open(notes) as file:
                    text = file.read()
                return {"big": len(big), "raw": [type(raw).__name__, len(raw), raw[255]],
                        "notes": text}
            """)
        .function("use")
        .fromVariable("big", "STRING", "big")
        .fromVariable("raw", "ATTACHMENT", "raw")
        .fromVariable("notes", "ATTACHMENT", "notes")
        .output("seen", "JSON")
        .after("make")
        .addTo(client, pipelineId);

    String versionId = run(client, pipelineId, List.of());
    JsonNode version = server.awaitFinished(versionId, Duration.ofSeconds(120));

    assertThat(version.path("status").asText()).as(version.toPrettyString()).isEqualTo("COMPLETE");
    JsonNode seen = outputValue(version, "use", "seen");
    assertThat(seen.path("big").asLong()).isEqualTo(200_000_000L);
    assertThat(seen.path("raw").toString()).isEqualTo("[\"bytes\",256,255]");
    assertThat(seen.path("notes").asText()).isEqualTo("# made\n");
    assertThat(outputValue(version, "make", "big").path("size").asLong())
        .isEqualTo(200_000_002L); // the JSON string, quotes and all
    assertThat(outputValue(version, "make", "notes").path("name").asText()).isEqualTo("notes.md");
    String described =
        client.call("describePipelineVersion", params("pipelineVersion", versionId)).toString();
    assertThat(described.length()).isLessThan(32 * 1024);
  }

  @Test
  void a_file_over_the_artifact_limit_fails_its_step_saying_so() {
    String pipelineId = createPipeline(client, uniqueName("huge"));
    StepRequest.named("huge")
        .source(
            """
            import os

            def huge():
                path = os.path.join(os.environ["PENSTOCK_OUTPUTS_DIR"], "huge.bin")
                with open(path, "wb") as file:
                    file.truncate(260 * 1024 * 1024)  # sparse: large, but nothing written
            """)
        .function("huge")
        .addTo(client, pipelineId);

    String versionId = run(client, pipelineId, List.of());
    JsonNode version = server.awaitFinished(versionId, Duration.ofSeconds(60));

    assertThat(version.path("status").asText()).isEqualTo("FAILED");
    assertThat(stepVersion(version, "huge").path("error").asText())
        .isEqualTo(
            "the file outputs/huge.bin is 260 MB, over the limit of 250 MB (max-artifact-size)");
    assertThat(client.call("listPipelineVersionArtifacts", params("pipelineVersion", versionId)))
        .isEmpty();
  }

  @Test
  void a_stored_value_gone_before_its_consumer_runs_fails_it_naming_the_artifact_and_producer()
      throws Exception {
    Path shared = SharedFolders.create();
    String pipelineId = createPipeline(client, uniqueName("gone"));
    StepRequest.named("make")
        .source("def make():\n    return b'made'\n")
        .function("make")
        .output("raw", "ATTACHMENT")
        .addTo(client, pipelineId);
    StepRequest.named("gate")
        .source(
            "import os, time\n\ndef gate(shared):\n"
                + "    while not os.path.exists(os.path.join(shared, 'release')):\n"
                + "        time.sleep(0.05)\n")
        .function("gate")
        .input("shared", "STRING", shared.toString())
        .after("make")
        .addTo(client, pipelineId);
    StepRequest.named("use")
        .source("def use(raw):\n    return len(raw)\n")
        .function("use")
        .fromVariable("raw", "ATTACHMENT", "raw")
        .output("size", "INTEGER")
        .after("gate")
        .addTo(client, pipelineId);

    String versionId = run(client, pipelineId, List.of());
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                client
                        .call("listPipelineVersionArtifacts", params("pipelineVersion", versionId))
                        .size()
                    == 1);
    JsonNode stored =
        client.call("listPipelineVersionArtifacts", params("pipelineVersion", versionId)).get(0);
    String path = ".penstock-values/raw.bin";
    Path runDir = server.dataDir().resolve("runs").resolve(versionId);
    try (var files = Files.walk(runDir)) {
      // The kept file, beside the producer's log; not a consumer's copy in the run's work root.
      for (Path file : files.filter(file -> file.endsWith(path)).toList()) {
        if (!file.startsWith(runDir.resolve("work"))) {
          Files.delete(file);
        }
      }
    }
    Files.writeString(shared.resolve("release"), "go");
    JsonNode version = server.awaitFinished(versionId, Duration.ofSeconds(60));

    assertThat(version.path("status").asText()).isEqualTo("FAILED");
    JsonNode use = stepVersion(version, "use");
    assertThat(use.path("error").asText())
        .isEqualTo(
            "cannot read input 'raw' (artifact 'raw' of step 'make'): it is gone from the data"
                + " directory");
    assertThat(use.path("attempts").get(0).path("failureCause").asText()).isEqualTo("BAD_INPUT");
    assertThat(stored.path("name").asText()).isEqualTo("raw");
  }

  @Test
  void a_reference_a_step_forges_reaches_no_artifact_of_another_run() {
    String maker = createPipeline(client, uniqueName("victim"));
    StepRequest.named("secret")
        .source("def secret():\n    return b'the other run'\n")
        .function("secret")
        .output("raw", "ATTACHMENT")
        .addTo(client, maker);
    JsonNode victim = server.awaitFinished(run(client, maker, List.of()), Duration.ofSeconds(60));
    String stolen = outputValue(victim, "secret", "raw").path("penstockArtifact").asText();

    String pipelineId = createPipeline(client, uniqueName("forger"));
    StepRequest.named("forge")
        .source(
            "def forge():\n    return {'penstockArtifact': '"
                + stolen
                + "', 'name': 'raw', 'kind': 'BYTES', 'format': 'bytes', 'step': 'secret'}\n")
        .function("forge")
        .output("raw", "ANY")
        .addTo(client, pipelineId);
    StepRequest.named("use")
        .source("def use(raw):\n    return repr(raw)\n")
        .function("use")
        .fromVariable("raw", "JSON", "raw")
        .output("seen", "STRING")
        .after("forge")
        .addTo(client, pipelineId);
    JsonNode version =
        server.awaitFinished(run(client, pipelineId, List.of()), Duration.ofSeconds(60));

    assertThat(version.path("status").asText()).isEqualTo("FAILED");
    assertThat(stepVersion(version, "use").path("error").asText())
        .isEqualTo(
            "cannot read input 'raw' (artifact 'raw' of step 'secret'): this run holds no such"
                + " artifact");
  }

  private Path download(String versionId, String artifactId, String name) {
    var response =
        client.download(
            "downloadPipelineVersionArtifact",
            params("pipelineVersion", versionId, "artifactId", artifactId),
            downloads.resolve(name));
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /** What the tests' Python prints running {@code code} with {@code file} as its argument. */
  private static String python(String code, Path file) throws Exception {
    Process process =
        new ProcessBuilder(TestPython.path(), "-c", code, file.toString())
            .redirectErrorStream(true)
            .start();
    String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(printed).isZero();
    return printed.strip();
  }
}
