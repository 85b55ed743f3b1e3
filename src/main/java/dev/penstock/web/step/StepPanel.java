package dev.penstock.web.step;

import dev.penstock.model.FailureCause;
import dev.penstock.model.StepVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the step panel of a run shows: the step's state and error, its values (previews only), its
 * attempts, its log and its code. {@code tab} is the open tab, one of {@link #TABS}.
 */
public record StepPanel(
    String pipelineName,
    StepVersion step,
    String tab,
    List<ValueRow> inputs,
    List<ValueRow> outputs,
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
