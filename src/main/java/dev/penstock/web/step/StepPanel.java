package dev.penstock.web.step;

import dev.penstock.model.FailureCause;
import dev.penstock.model.StepVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the step panel of a run shows: the step's state and error, its values (previews only), the
 * artifacts of its current attempt, its attempts, its log and its code. {@code tab} is the open
 * tab, one of {@link #TABS}.
 */
public record StepPanel(
    String pipelineName,
    StepVersion step,
    String tab,
    List<ValueRow> inputs,
    List<ValueRow> outputs,
    List<ArtifactRow> artifacts,
    List<AttemptRow> attempts,
    LogView log,
    Instant now) {

  /** The tabs in the order shown, each with its label. */
  public static final Map<String, String> TABS =
      Map.of("log", "Log", "io", "Inputs & outputs", "attempts", "Attempts", "code", "Code");

  public static final List<String> TAB_ORDER = List.of("log", "io", "attempts", "code");

  /**
   * One input or output: {@code source} says where an unbound input comes from; {@code preview} is
   * the value cut short ({@code cut}) or whole; {@code fullUrl} loads the whole value.
   */
  public record ValueRow(
      String name, String type, String source, String preview, boolean cut, String fullUrl) {}

  /**
   * One artifact of the step's current attempt: {@code output} is the output it is the value of, or
   * null for a file of the outputs folder. At most one way of showing it inline is set: {@code
   * table} (a DataFrame's columns and first rows), {@code imageUrl} (an image, shown as it is) or
   * {@code text} (a small text or JSON file, whole).
   */
  public record ArtifactRow(
      String name,
      String output,
      String kind,
      String size,
      String contentType,
      String downloadUrl,
      String imageUrl,
      String text,
      TablePreview table) {}

  /** A table's size and its first rows, each cell as text. */
  public record TablePreview(long rows, List<Column> columns, List<List<String>> head) {
    /** "1 row", "1,204 rows". */
    public String rowsText() {
      return String.format(java.util.Locale.ROOT, "%,d", rows) + (rows == 1 ? " row" : " rows");
    }
  }

  /** A table's column and its dtype ("int64"), which may be empty. */
  public record Column(String name, String dtype) {}

  /** One attempt, ended or {@code current}. */
  public record AttemptRow(
      int number,
      String status,
      FailureCause cause,
      String error,
      String reason,
      Instant startedAt,
      Instant endedAt,
      boolean current) {}

  /**
   * The log tab: which attempt it shows ({@code attempt}, 0 when the step never started), the
   * attempts there are, and the URLs its script reads. {@code live}: the attempt may still write.
   */
  public record LogView(
      int attempt, List<Integer> attempts, boolean live, String streamUrl, String chunkUrl) {}

  /** The URL of this panel, on its own, with {@code otherTab} open. */
  public String url(String otherTab) {
    return base() + "?tab=" + otherTab;
  }

  /** The run page with this step selected. */
  public String runUrl() {
    return "/runs/" + step.pipelineVersionId() + "?step=" + step.id();
  }

  public String base() {
    return "/runs/" + step.pipelineVersionId() + "/steps/" + step.id();
  }

  public String label(String otherTab) {
    return TABS.get(otherTab);
  }

  /** The last line of an error, which for a Python traceback names the exception: a summary. */
  public static String summary(String error) {
    String[] lines = error.strip().split("\n");
    String last = lines[lines.length - 1].strip();
    return last.length() > 200 ? last.substring(0, 200) + "…" : last;
  }
}
