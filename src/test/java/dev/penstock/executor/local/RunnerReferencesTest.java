package dev.penstock.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.python.RunnerScript;
import dev.penstock.testing.TestPython;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Values passed by reference (penstock_artifacts): the runner, run directly as a fresh process,
 * stores outputs that are not inline JSON under the attempt's .penstock-values/ folder and lists
 * them in result.json, and loads a step's artifact inputs before it calls the function. Needs
 * pandas in the test Python (Debian's python3-pandas): without it the DataFrame tests fail, they
 * never skip.
 */
class RunnerReferencesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path root;
  private Path runner;

  @BeforeEach
  void extractRunner() {
    runner = RunnerScript.extractInto(root.resolve("runner"));
  }

  /** One run of the runner: its working directory, exit code and result.json. */
  private record Ran(Path workDir, int exitCode, JsonNode result) {
    JsonNode reference(String key) {
      return result.path("references").path(key);
    }

    Path file(JsonNode reference) {
      return workDir.resolve(reference.path("file").asText());
    }
  }

  private static List<Map<String, String>> outputs(String... namesAndTypes) {
    var outputs = new ArrayList<Map<String, String>>();
    for (int i = 0; i < namesAndTypes.length; i += 2) {
      outputs.add(Map.of("name", namesAndTypes[i], "type", namesAndTypes[i + 1]));
    }
    return outputs;
  }

  private Ran run(String source, Map<String, Object> fields) throws Exception {
    return run(Files.createTempDirectory(root, "attempt"), source, fields);
  }

  private Ran run(Path workDir, String source, Map<String, Object> fields) throws Exception {
    var request = new HashMap<String, Object>();
    request.put("source_code", source);
    request.put("function_name", "step");
    request.put("kwargs", Map.of());
    request.put("memory_gb", 0);
    request.put("cpu_seconds", 0);
    request.put("max_output_bytes", 0);
    request.putAll(fields);
    JSON.writeValue(workDir.resolve("request.json").toFile(), request);
    Process process =
        new ProcessBuilder(TestPython.path(), "-u", runner.toString(), workDir.toString())
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(workDir.resolve("log.txt").toFile())
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the runner ended").isTrue();
    JsonNode result = JSON.readTree(workDir.resolve("result.json").toFile());
    return new Ran(workDir, process.exitValue(), result);
  }

  /** Runs code in the test Python, as a producing step would have, and fails if it fails. */
  private static void python(Path directory, String code) throws Exception {
    Process process =
        new ProcessBuilder(TestPython.path(), "-c", code)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("python -c failed: %s", output).isZero();
  }

  private static boolean pythonCanImport(String module) throws Exception {
    Process process =
        new ProcessBuilder(TestPython.path(), "-c", "import " + module)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    return process.waitFor() == 0;
  }

  private static void assertOk(Ran ran) throws IOException {
    assertThat(ran.result().path("status").asText())
        .as("result %s, log %s", ran.result(), Files.readString(ran.workDir().resolve("log.txt")))
        .isEqualTo("ok");
    assertThat(ran.exitCode()).isZero();
  }

  @Test
  void a_data_frame_is_stored_as_a_pickle_without_pyarrow_with_a_preview() throws Exception {
    assertThat(pythonCanImport("pandas"))
        .as("the test Python has pandas (apt-get install python3-pandas)")
        .isTrue();
    String source =
        """
        import pandas as pd

        def step():
            return pd.DataFrame({"a": [1, 2, 3], "b": [0.5, float("nan"), 2.0],
                                 "c": ["x", "y", "z" * 300]})
        """;
    Ran ran = run(source, Map.of("outputs", outputs("frame", "ANY")));

    assertOk(ran);
    assertThat(ran.result().path("returned").isNull()).isTrue();
    JsonNode reference = ran.reference("");
    boolean pyarrow = pythonCanImport("pyarrow");
    assertThat(reference.path("file").asText())
        .isEqualTo(pyarrow ? ".penstock-values/frame.parquet" : ".penstock-values/frame.pkl");
    assertThat(reference.path("kind").asText()).isEqualTo("table");
    assertThat(reference.path("format").asText()).isEqualTo(pyarrow ? "parquet" : "pickle");
    assertThat(reference.path("content_type").asText())
        .isEqualTo(pyarrow ? "application/vnd.apache.parquet" : "application/x-python-pickle");
    assertThat(reference.path("type_name").asText()).isEqualTo("pandas.core.frame.DataFrame");
    assertThat(reference.path("json_type").isNull()).isTrue();
    JsonNode preview = reference.path("preview");
    assertThat(preview.path("rows").asInt()).isEqualTo(3);
    assertThat(preview.path("columns").toString())
        .isEqualTo(
            "[{\"name\":\"a\",\"dtype\":\"int64\"},{\"name\":\"b\",\"dtype\":\"float64\"},"
                + "{\"name\":\"c\",\"dtype\":\"object\"}]");
    assertThat(preview.path("head").get(0).toString()).isEqualTo("[1,0.5,\"x\"]");
    assertThat(preview.path("head").get(1).get(1).isNull()).as("NaN").isTrue();
    assertThat(preview.path("head").get(2).get(2).asText()).isEqualTo("z".repeat(100));
    assertThat(ran.file(reference)).isRegularFile();

    // The stored frame reads back as the same frame.
    python(
        ran.workDir(),
        """
        import pandas as pd
        frame = pd.read_%s("%s")
        assert frame.shape == (3, 3) and list(frame["a"]) == [1, 2, 3], frame
        """
            .formatted(pyarrow ? "parquet" : "pickle", reference.path("file").asText()));
  }

  @Test
  void bytes_are_stored_raw_and_the_other_outputs_stay_inline() throws Exception {
    Ran ran =
        run(
            "def step():\n    return {'raw': b'\\x00\\x01abc', 'count': 3}\n",
            Map.of("outputs", outputs("raw", "ANY", "count", "INTEGER")));

    assertOk(ran);
    assertThat(ran.result().path("returned").toString()).isEqualTo("{\"raw\":null,\"count\":3}");
    JsonNode reference = ran.reference("raw");
    assertThat(ran.result().path("references").size()).isEqualTo(1);
    assertThat(reference.path("file").asText()).isEqualTo(".penstock-values/raw.bin");
    assertThat(reference.path("kind").asText()).isEqualTo("bytes");
    assertThat(reference.path("format").asText()).isEqualTo("bytes");
    assertThat(reference.path("content_type").asText()).isEqualTo("application/octet-stream");
    assertThat(reference.path("type_name").asText()).isEqualTo("bytes");
    assertThat(reference.path("preview").toString()).isEqualTo("{\"bytes\":5}");
    assertThat(Files.readAllBytes(ran.file(reference))).isEqualTo(new byte[] {0, 1, 'a', 'b', 'c'});
  }

  @Test
  void a_path_is_copied_into_the_values_folder() throws Exception {
    String source =
        """
        import pathlib

        def step():
            path = pathlib.Path("report.csv")
            path.write_text("a,b\\n1,2\\n")
            return {"report": path}
        """;
    Ran ran = run(source, Map.of("outputs", outputs("report", "ANY")));

    assertOk(ran);
    JsonNode reference = ran.reference("report");
    assertThat(reference.path("file").asText()).isEqualTo(".penstock-values/report/report.csv");
    assertThat(reference.path("kind").asText()).isEqualTo("file");
    assertThat(reference.path("format").asText()).isEqualTo("file");
    assertThat(reference.path("content_type").asText()).isEqualTo("text/csv");
    assertThat(reference.path("type_name").asText()).isEqualTo("pathlib.PosixPath");
    assertThat(reference.path("preview").path("name").asText()).isEqualTo("report.csv");
    Path copy = ran.file(reference);
    assertThat(Files.readString(copy)).isEqualTo("a,b\n1,2\n");
    assertThat(Files.isSameFile(copy, ran.workDir().resolve("report.csv")))
        .as("a copy, not a link")
        .isFalse();
    assertThat(Files.getAttribute(copy, "unix:nlink")).isEqualTo(1);
  }

  @Test
  void an_attachment_string_naming_a_file_is_copied_and_other_strings_stay_inline()
      throws Exception {
    String source =
        """
        def step():
            with open("summary.pdf", "wb") as file:
                file.write(b"%PDF-1.4")
            return "summary.pdf"
        """;
    Ran ran = run(source, Map.of("outputs", outputs("summary", "ATTACHMENT")));

    assertOk(ran);
    JsonNode reference = ran.reference("");
    assertThat(reference.path("file").asText()).isEqualTo(".penstock-values/summary/summary.pdf");
    assertThat(reference.path("content_type").asText()).isEqualTo("application/pdf");
    assertThat(reference.path("type_name").asText()).isEqualTo("str");
    assertThat(ran.file(reference)).hasContent("%PDF-1.4");

    Ran notAFile =
        run(
            "def step():\n    return 'no-such.pdf'\n",
            Map.of("outputs", outputs("s", "ATTACHMENT")));
    assertOk(notAFile);
    assertThat(notAFile.result().path("returned").asText()).isEqualTo("no-such.pdf");
    assertThat(notAFile.result().has("references")).isFalse();

    Ran asString = run(source, Map.of("outputs", outputs("summary", "STRING")));
    assertOk(asString);
    assertThat(asString.result().path("returned").asText())
        .as("only an ATTACHMENT's string names a file")
        .isEqualTo("summary.pdf");
  }

  @Test
  void a_missing_path_fails_the_step() throws Exception {
    Ran ran =
        run(
            "import pathlib\ndef step():\n    return pathlib.Path('gone.txt')\n",
            Map.of("outputs", outputs("f", "ANY")));

    assertThat(ran.exitCode()).isEqualTo(1);
    assertThat(ran.result().path("status").asText()).isEqualTo("not_serializable");
    assertThat(ran.result().path("message").asText())
        .isEqualTo("output 'f': the file gone.txt does not exist");
  }

  @Test
  void json_over_the_inline_limit_is_stored_as_a_json_file() throws Exception {
    Ran ran =
        run(
            "def step():\n    return {'numbers': list(range(1000)), 'label': 'small'}\n",
            Map.of("outputs", outputs("numbers", "LIST", "label", "STRING"), "inline_limit", 100));

    assertOk(ran);
    assertThat(ran.result().path("returned").toString())
        .isEqualTo("{\"numbers\":null,\"label\":\"small\"}");
    JsonNode reference = ran.reference("numbers");
    assertThat(reference.path("file").asText()).isEqualTo(".penstock-values/numbers.json");
    assertThat(reference.path("kind").asText()).isEqualTo("json");
    assertThat(reference.path("format").asText()).isEqualTo("json");
    assertThat(reference.path("content_type").asText()).isEqualTo("application/json");
    assertThat(reference.path("type_name").asText()).isEqualTo("list");
    assertThat(reference.path("json_type").asText()).isEqualTo("array");
    JsonNode preview = reference.path("preview");
    assertThat(preview.path("json_type").asText()).isEqualTo("array");
    assertThat(preview.path("length").asInt()).isEqualTo(1000);
    assertThat(preview.path("text").asText()).hasSize(200).startsWith("[0, 1, 2, 3");
    JsonNode stored = JSON.readTree(ran.file(reference).toFile());
    assertThat(stored.size()).isEqualTo(1000);
    assertThat(stored.get(999).asInt()).isEqualTo(999);
  }

  @Test
  void a_value_with_no_json_is_pickled_for_an_any_output_and_refused_for_others() throws Exception {
    String source = "def step():\n    return {1, 2, 3}\n";
    Ran ran = run(source, Map.of("outputs", outputs("numbers", "ANY")));

    assertOk(ran);
    JsonNode reference = ran.reference("");
    assertThat(reference.path("file").asText()).isEqualTo(".penstock-values/numbers.pkl");
    assertThat(reference.path("kind").asText()).isEqualTo("object");
    assertThat(reference.path("format").asText()).isEqualTo("pickle");
    assertThat(reference.path("content_type").asText()).isEqualTo("application/x-python-pickle");
    assertThat(reference.path("type_name").asText()).isEqualTo("set");
    assertThat(reference.path("preview").path("repr").asText()).isEqualTo("{1, 2, 3}");
    python(
        ran.workDir(),
        "import pickle; assert pickle.load(open('.penstock-values/numbers.pkl', 'rb')) == {1, 2, 3}");

    Ran asList = run(source, Map.of("outputs", outputs("numbers", "LIST")));
    assertThat(asList.result().path("status").asText()).isEqualTo("not_serializable");
    assertThat(asList.workDir().resolve(".penstock-values")).doesNotExist();

    Ran unpicklable =
        run("def step():\n    return (n for n in [])\n", Map.of("outputs", outputs("g", "ANY")));
    assertThat(unpicklable.result().path("status").asText()).isEqualTo("not_serializable");
    assertThat(unpicklable.result().path("message").asText())
        .startsWith("output 'g' (generator) could not be stored as pickle: TypeError:");
    assertThat(unpicklable.workDir().resolve(".penstock-values/g.pkl")).doesNotExist();
  }

  @Test
  void small_json_values_stay_inline_untouched() throws Exception {
    Ran ran =
        run(
            "def step():\n    return {'n': 3, 'names': ['a', 'b'], 'any': {'k': 1.5}}\n",
            Map.of(
                "outputs",
                outputs("n", "INTEGER", "names", "LIST", "any", "ANY"),
                "inline_limit",
                1000));

    assertOk(ran);
    assertThat(ran.result().path("returned").toString())
        .isEqualTo("{\"n\":3,\"names\":[\"a\",\"b\"],\"any\":{\"k\":1.5}}");
    assertThat(ran.result().has("references")).isFalse();
    assertThat(ran.workDir().resolve(".penstock-values")).doesNotExist();
  }

  @Test
  void with_no_outputs_declared_the_return_value_is_ignored() throws Exception {
    Ran ran = run("def step():\n    return {1, 2}\n", Map.of("outputs", List.of()));

    assertOk(ran);
    assertThat(ran.result().toString()).isEqualTo("{\"status\":\"ok\",\"returned\":null}");

    Ran withoutTheField = run("def step():\n    return [1, 2]\n", Map.of());
    assertOk(withoutTheField);
    assertThat(withoutTheField.result().toString())
        .as("no outputs field: as before")
        .isEqualTo("{\"status\":\"ok\",\"returned\":[1,2]}");
  }

  @Test
  void a_value_over_max_artifact_bytes_fails_the_step_and_leaves_no_file() throws Exception {
    Ran ran =
        run(
            "def step():\n    return {'small': b'x', 'big': b'x' * 5000}\n",
            Map.of("outputs", outputs("small", "ANY", "big", "ANY"), "max_artifact_bytes", 1000));

    assertThat(ran.exitCode()).isEqualTo(1);
    assertThat(ran.result().path("status").asText()).isEqualTo("output_too_large");
    assertThat(ran.result().path("message").asText())
        .isEqualTo(
            "output 'big' is 4.9 KB as bytes, over the limit of 1000 bytes (max-artifact-size)");
    assertThat(ran.workDir().resolve(".penstock-values/big.bin")).doesNotExist();
    assertThat(ran.workDir().resolve(".penstock-values/small.bin"))
        .as("what was stored before goes too")
        .doesNotExist();

    Ran json =
        run(
            "def step():\n    return list(range(100000))\n",
            Map.of(
                "outputs", outputs("x", "LIST"), "inline_limit", 10, "max_artifact_bytes", 1000));
    assertThat(json.result().path("status").asText()).isEqualTo("output_too_large");
    assertThat(json.result().path("message").asText())
        .isEqualTo(
            "output 'x' is more than 9.8 KB as json, over the limit of 1000 bytes"
                + " (max-artifact-size)");
    assertThat(json.workDir().resolve(".penstock-values/x.json")).doesNotExist();
  }

  @Test
  void artifact_inputs_are_loaded_in_every_format_before_the_call() throws Exception {
    Path workDir = Files.createTempDirectory(root, "attempt");
    Path producer = Files.createDirectories(root.resolve("producer/values"));
    python(
        producer,
        """
        import pandas as pd
        pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}).to_pickle("frame.pkl")
        """);
    Files.writeString(producer.resolve("numbers.json"), "{\"k\": [1, 2]}");
    Files.write(producer.resolve("raw.bin"), new byte[] {0, 1, 2});
    Files.writeString(producer.resolve("notes.txt"), "hello");
    String source =
        """
        def step(frame, numbers, raw, notes, other=1):
            with open(notes) as file:
                text = file.read()
            return {"shape": list(frame.shape), "type": type(frame).__name__,
                    "numbers": numbers, "raw": list(raw), "notes": notes, "text": text,
                    "other": other}
        """;
    var inputs =
        Map.of(
            "frame", input("../producer/values/frame.pkl", "pickle"),
            "numbers", input("../producer/values/numbers.json", "json"),
            "raw", input("../producer/values/raw.bin", "bytes"),
            "notes", input(producer.resolve("notes.txt").toString(), "file"));
    Ran ran =
        run(
            workDir,
            source,
            Map.of("kwargs", Map.of("frame", "replaced", "other", 2), "artifact_inputs", inputs));

    assertOk(ran);
    JsonNode returned = ran.result().path("returned");
    assertThat(returned.path("shape").toString()).isEqualTo("[3,2]");
    assertThat(returned.path("type").asText()).isEqualTo("DataFrame");
    assertThat(returned.path("numbers").toString()).isEqualTo("{\"k\":[1,2]}");
    assertThat(returned.path("raw").toString()).isEqualTo("[0,1,2]");
    assertThat(returned.path("notes").asText()).isEqualTo(producer.resolve("notes.txt").toString());
    assertThat(returned.path("text").asText()).isEqualTo("hello");
    assertThat(returned.path("other").asInt()).as("other kwargs as given").isEqualTo(2);
  }

  @Test
  void a_parquet_input_is_read_with_pandas_when_pyarrow_is_there() throws Exception {
    Path producer = Files.createDirectories(root.resolve("producer"));
    boolean pyarrow = pythonCanImport("pyarrow");
    if (pyarrow) {
      python(producer, "import pandas as pd; pd.DataFrame({'a': [1, 2]}).to_parquet('t.parquet')");
    } else {
      Files.writeString(producer.resolve("t.parquet"), "PAR1");
    }
    Ran ran =
        run(
            "def step(table):\n    return list(table.shape)\n",
            Map.of(
                "artifact_inputs",
                Map.of("table", input(producer.resolve("t.parquet").toString(), "parquet"))));

    if (pyarrow) {
      assertOk(ran);
      assertThat(ran.result().path("returned").toString()).isEqualTo("[2,1]");
    } else {
      assertThat(ran.result().path("status").asText()).isEqualTo("input_error");
      assertThat(ran.result().path("message").asText())
          .startsWith(
              "cannot read input 'table' (artifact 'the-artifact' of step 'producer', parquet):"
                  + " ImportError:")
          .contains("pyarrow");
    }
  }

  @Test
  void a_missing_input_fails_the_step_before_its_function_runs() throws Exception {
    Ran ran =
        run(
            "def step(frame):\n    open('called', 'w').close()\n",
            Map.of(
                "artifact_inputs", Map.of("frame", input(".penstock-values/gone.pkl", "pickle"))));

    assertThat(ran.exitCode()).isEqualTo(1);
    assertThat(ran.result().path("status").asText()).isEqualTo("input_error");
    assertThat(ran.result().path("message").asText())
        .isEqualTo(
            "cannot read input 'frame' (artifact 'the-artifact' of step 'producer', pickle):"
                + " FileNotFoundError: [Errno 2] No such file or directory: '"
                + ran.workDir().resolve(".penstock-values/gone.pkl")
                + "'");
    assertThat(ran.workDir().resolve("called")).doesNotExist();
  }

  private static Map<String, String> input(String file, String format) {
    return Map.of("file", file, "format", format, "name", "the-artifact", "producer", "producer");
  }
}
