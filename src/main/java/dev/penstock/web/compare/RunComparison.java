package dev.penstock.web.compare;

import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepVersion;
import dev.penstock.web.Formats;
import java.time.Instant;
import java.util.List;

/**
 * Two runs of one pipeline side by side, as the compare page shows them: the runs, their variables
 * and a page of their steps matched by name, each value a preview and each difference marked.
 * {@code b} is null until the reader picks it; {@code recent} are runs to pick from.
 */
public record RunComparison(
    String pipelineName,
    PipelineVersion a,
    PipelineVersion b,
    List<PipelineVersion> recent,
    List<ValuePair> variables,
    List<StepPair> steps,
    int page,
    int pages,
    int stepCount,
    Instant now) {

  /** One named value in each run (null text: the run has no such value). */
  public record ValuePair(String name, String a, String b, boolean differs) {}

  /** A file of a step's code that differs between the runs, with its diff. */
  public record FileDiff(String title, List<CodeDiff.Line> lines) {}

  /**
   * One step name in both runs; a side is null when its run has no step of that name. {@code code}
   * lists what changed in its code: source, modules, package requirements.
   */
  public record StepPair(
      String name,
      StepVersion a,
      StepVersion b,
      List<ValuePair> inputs,
      List<ValuePair> outputs,
      List<FileDiff> code) {

    public boolean codeChanged() {
      return !code.isEmpty();
    }

    public boolean statusDiffers() {
      return a == null || b == null || a.status() != b.status();
    }

    /** Whether anything but times differs. */
    public boolean differs() {
      return statusDiffers()
          || codeChanged()
          || inputs.stream().anyMatch(ValuePair::differs)
          || outputs.stream().anyMatch(ValuePair::differs);
    }
  }

  /** The URL of this comparison at {@code otherPage}. */
  public String url(int otherPage) {
    return "/compare?a=%s&b=%s&page=%d"
        .formatted(Formats.query(a.id()), b == null ? "" : Formats.query(b.id()), otherPage);
  }

  /** A short label for a run in a picker: when it was made, its status and id. */
  public static String label(PipelineVersion run) {
    return "%s · %s · %s".formatted(Formats.time(run.createdAt()), run.status().name(), run.id());
  }
}
