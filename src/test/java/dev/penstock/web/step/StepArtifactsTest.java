package dev.penstock.web.step;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.model.Artifact;
import dev.penstock.web.Formats;
import dev.penstock.web.Templates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The step panel's artifacts: which are shown inline and how, rendered by the real template. */
class StepArtifactsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Templates TEMPLATES = new Templates();

  @TempDir Path folder;

  private static Artifact artifact(
      String output, String name, Artifact.Kind kind, String format, String type, long size) {
    return artifact(output, name, kind, format, type, size, null);
  }

  private static Artifact artifact(
      String output,
      String name,
      Artifact.Kind kind,
      String format,
      String type,
      long size,
      JsonNode preview) {
    return new Artifact(
        "a1",
        "v1",
        "s1",
        1,
        output,
        name,
        kind,
        format,
        type,
        size,
        "steps/s1/1/outputs/" + name,
        preview,
        Instant.EPOCH);
  }

  private static String html(List<StepPanel.ArtifactRow> rows) {
    return TEMPLATES.html("step-artifacts.jte", Map.of("artifacts", rows));
  }

  @Test
  void a_tables_preview_shows_its_columns_with_their_dtypes_its_first_rows_and_its_size()
      throws Exception {
    JsonNode preview =
        JSON.readTree(
            """
            {"rows": 1204,
             "columns": [{"name": "city", "dtype": "object"}, {"name": "people", "dtype": "int64"}],
             "head": [["Oslo", 709037], ["<b>Bergen</b>", null]]}
            """);
    var row =
        StepArtifacts.row(
            artifact(
                "cities",
                "cities",
                Artifact.Kind.TABLE,
                "parquet",
                "application/vnd.apache.parquet",
                48_213,
                preview),
            null);

    assertThat(row.table().columns())
        .containsExactly(
            new StepPanel.Column("city", "object"), new StepPanel.Column("people", "int64"));
    assertThat(row.table().head())
        .containsExactly(List.of("Oslo", "709037"), List.of("<b>Bergen</b>", "None"));
    assertThat(row.imageUrl()).isNull();
    assertThat(row.text()).isNull();

    String html = html(List.of(row));
    assertThat(html)
        .contains("<th>city <span class=\"muted\">object</span></th>")
        .contains("<th>people <span class=\"muted\">int64</span></th>")
        .contains("<td>Oslo</td><td>709037</td>")
        .contains("<td>&lt;b&gt;Bergen&lt;/b&gt;</td><td>None</td>")
        .contains("1,204 rows, the first 2 shown")
        .contains("output cities")
        .contains("TABLE")
        .contains("47.1 KB")
        .contains("href=\"/runs/v1/artifacts/a1\"")
        .doesNotContain("<b>Bergen");
  }

  @Test
  void a_table_whose_preview_is_missing_or_malformed_is_only_offered_for_download() {
    var row =
        StepArtifacts.row(
            artifact("t", "t", Artifact.Kind.TABLE, "pickle", "application/x-python-pickle", 10),
            null);
    assertThat(row.table()).isNull();
    assertThat(html(List.of(row))).contains("/runs/v1/artifacts/a1").doesNotContain("<table");
  }

  @Test
  void an_image_is_shown_inline_from_the_download_route_and_text_is_shown_escaped() {
    var image =
        StepArtifacts.row(
            artifact(null, "plot.png", Artifact.Kind.FILE, "file", "image/png", 900), null);
    var report =
        StepArtifacts.row(
            artifact(null, "report.html", Artifact.Kind.FILE, "file", "text/html", 40),
            "<script>alert(1)</script>");

    assertThat(image.imageUrl()).isEqualTo("/runs/v1/artifacts/a1?inline=1");
    String html = html(List.of(image, report));
    assertThat(html)
        .contains("<img class=\"artifact-image\" src=\"/runs/v1/artifacts/a1?inline=1\"")
        .contains("outputs folder")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        .doesNotContain("<script>");
  }

  @Test
  void no_artifacts_says_so() {
    assertThat(html(List.of())).contains("No artifacts.");
  }

  @Test
  void only_small_text_and_json_files_are_read_to_be_shown() {
    long limit = StepArtifacts.INLINE_TEXT_BYTES;
    assertThat(
            StepArtifacts.showsText(
                artifact(null, "a.txt", Artifact.Kind.FILE, "file", "text/plain", limit - 1)))
        .isTrue();
    assertThat(
            StepArtifacts.showsText(
                artifact(null, "a.txt", Artifact.Kind.FILE, "file", "text/plain", limit)))
        .isFalse();
    assertThat(
            StepArtifacts.showsText(
                artifact(
                    "big",
                    "big",
                    Artifact.Kind.JSON,
                    "json",
                    "application/json; charset=utf-8",
                    9)))
        .isTrue();
    assertThat(
            StepArtifacts.showsText(
                artifact("b", "b", Artifact.Kind.BYTES, "bytes", "application/octet-stream", 9)))
        .isFalse();
    assertThat(
            StepArtifacts.showsText(
                artifact(null, "x.png", Artifact.Kind.FILE, "file", "IMAGE/PNG", 9)))
        .isFalse();
  }

  @Test
  void a_file_is_read_only_when_it_is_small_utf8_text() throws IOException {
    Path small = Files.writeString(folder.resolve("small.txt"), "héllo\nwörld\n");
    Path binary = Files.write(folder.resolve("binary"), new byte[] {(byte) 0xff, (byte) 0xfe, 0});
    Path grown =
        Files.write(folder.resolve("grown.txt"), new byte[StepArtifacts.INLINE_TEXT_BYTES]);

    assertThat(StepArtifacts.readText(() -> Files.newInputStream(small)))
        .contains("héllo\nwörld\n");
    assertThat(StepArtifacts.readText(() -> Files.newInputStream(binary))).isEmpty();
    assertThat(StepArtifacts.readText(() -> Files.newInputStream(grown))).isEmpty();
    assertThat(StepArtifacts.readText(() -> Files.newInputStream(folder.resolve("gone"))))
        .isEmpty();
  }

  @Test
  void sizes_are_written_for_people() {
    assertThat(Formats.size(0)).isEqualTo("0 B");
    assertThat(Formats.size(1023)).isEqualTo("1023 B");
    assertThat(Formats.size(1536)).isEqualTo("1.5 KB");
    assertThat(Formats.size(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GB");
  }

  @Test
  void cells_are_read_as_text_whatever_json_they_are() {
    assertThat(StepArtifacts.table(JSON.createObjectNode())).isNull();
    var preview = JSON.createObjectNode();
    preview.putArray("columns").add("a");
    preview.putArray("head").addArray().add(true).add("extra");
    var table = StepArtifacts.table(preview);
    assertThat(table.columns()).containsExactly(new StepPanel.Column("a", ""));
    assertThat(table.head()).containsExactly(List.of("true"));
    assertThat(table.rows()).isEqualTo(1);
    assertThat(table.rowsText()).isEqualTo("1 row");
  }
}
