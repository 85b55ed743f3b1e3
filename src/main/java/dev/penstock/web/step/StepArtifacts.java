package dev.penstock.web.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.engine.artifact.Artifacts;
import dev.penstock.model.Artifact;
import dev.penstock.model.StepVersion;
import dev.penstock.web.Formats;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The step panel's artifacts: those of the step's current attempt, each with a download link and,
 * where a person can read it there, shown inline: a table's first rows (from its preview), an
 * image, or a small text file. Only a small text file is ever read, and no more of it than is
 * shown. Stateless and thread-safe.
 */
final class StepArtifacts {
  static final int MAX_TEXTS_SHOWN = 20;

  /** Text and JSON files smaller than this are shown whole in the panel. */
  static final int INLINE_TEXT_BYTES = 64 * 1024;

  /** How many rows and columns of a table's preview the panel shows at most. */
  static final int HEAD_ROWS = 5;

  static final int MAX_COLUMNS = 50;

  private static final int MAX_CELL_CHARS = 200;

  private StepArtifacts() {}

  /** The artifacts of {@code step}'s current attempt, as the panel lists them. */
  static List<StepPanel.ArtifactRow> of(Artifacts artifacts, StepVersion step) {
    if (step.attempt() == 0) {
      return List.of();
    }
    var rows = new ArrayList<StepPanel.ArtifactRow>();
    int textsShown = 0;
    for (Artifact artifact : artifacts.ofStep(step.id())) {
      if (artifact.attempt() != step.attempt()) {
        continue;
      }
      String text = null;
      // Each text shown is a read (from a bucket, perhaps): a step with thousands of files
      // shows the first few and links the rest.
      if (showsText(artifact) && textsShown < MAX_TEXTS_SHOWN) {
        text = readText(() -> artifacts.open(artifact)).orElse(null);
        textsShown++;
      }
      rows.add(row(artifact, text));
    }
    return List.copyOf(rows);
  }

  /** The URL that downloads {@code artifact}: {@code /runs/{versionId}/artifacts/{id}}. */
  static String downloadUrl(Artifact artifact) {
    return "/runs/%s/artifacts/%s"
        .formatted(Formats.query(artifact.pipelineVersionId()), Formats.query(artifact.id()));
  }

  /** {@code artifact} as a row; {@code text} is its file's text, to show inline, or null. */
  static StepPanel.ArtifactRow row(Artifact artifact, String text) {
    String url = downloadUrl(artifact);
    StepPanel.TablePreview table =
        artifact.kind() == Artifact.Kind.TABLE ? table(artifact.preview()) : null;
    String imageUrl = table == null && isImage(artifact.contentType()) ? url + "?inline=1" : null;
    return new StepPanel.ArtifactRow(
        artifact.name(),
        artifact.outputName(),
        artifact.kind().name(),
        Formats.size(artifact.size()),
        artifact.contentType() == null ? "" : artifact.contentType(),
        url,
        imageUrl,
        table == null && imageUrl == null ? text : null,
        table);
  }

  /** Whether the panel shows {@code artifact}'s file as text: a small text or JSON file. */
  static boolean showsText(Artifact artifact) {
    if (artifact.size() >= INLINE_TEXT_BYTES || artifact.kind() == Artifact.Kind.TABLE) {
      return false;
    }
    String type = mediaType(artifact.contentType());
    return type.startsWith("text/")
        || type.equals("application/json")
        || type.endsWith("+json")
        || type.equals("application/x-ndjson");
  }

  static boolean isImage(String contentType) {
    return mediaType(contentType).startsWith("image/");
  }

  /** The type and subtype of a content type, without parameters, in lower case. */
  static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
        .strip()
        .toLowerCase(Locale.ROOT);
  }

  /** Opens a file's bytes: where they are kept is the artifact store's business. */
  @FunctionalInterface
  interface Opener {
    InputStream open() throws IOException;
  }

  /**
   * The text of a file smaller than {@link #INLINE_TEXT_BYTES} in UTF-8; empty when it is larger
   * (it may have grown), is not UTF-8, or cannot be read. Reads at most one byte past the limit.
   */
  static Optional<String> readText(Opener file) {
    try (InputStream in = file.open()) {
      byte[] bytes = in.readNBytes(INLINE_TEXT_BYTES);
      if (bytes.length >= INLINE_TEXT_BYTES) {
        return Optional.empty();
      }
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (IOException | SecurityException unreadable) { // CharacterCodingException: not UTF-8
      return Optional.empty();
    }
  }

  /**
   * A table preview ({@code {"rows": n, "columns": [{"name", "dtype"}], "head": [[cell...]]}}) as
   * the panel shows it, or null when {@code preview} is not one.
   */
  static StepPanel.TablePreview table(JsonNode preview) {
    if (preview == null || !preview.path("columns").isArray()) {
      return null;
    }
    var columns = new ArrayList<StepPanel.Column>();
    for (JsonNode column : preview.path("columns")) {
      if (columns.size() == MAX_COLUMNS) {
        break;
      }
      columns.add(
          new StepPanel.Column(
              column.isTextual() ? column.asText() : cell(column.path("name")),
              column.path("dtype").asText("")));
    }
    var head = new ArrayList<List<String>>();
    for (JsonNode row : preview.path("head")) {
      if (head.size() == HEAD_ROWS) {
        break;
      }
      var cells = new ArrayList<String>();
      for (JsonNode value : row) {
        if (cells.size() == columns.size()) {
          break;
        }
        cells.add(cell(value));
      }
      head.add(List.copyOf(cells));
    }
    long rows = preview.path("rows").asLong(head.size());
    return new StepPanel.TablePreview(rows, List.copyOf(columns), List.copyOf(head));
  }

  /** A cell as text: a string as it is, null as "None" (what pandas shows), else its JSON. */
  private static String cell(JsonNode value) {
    String text;
    if (value == null || value.isMissingNode() || value.isNull()) {
      text = "None";
    } else if (value.isTextual()) {
      text = value.asText();
    } else {
      text = value.toString();
    }
    return text.length() > MAX_CELL_CHARS ? text.substring(0, MAX_CELL_CHARS) + "…" : text;
  }
}
