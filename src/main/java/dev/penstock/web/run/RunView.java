package dev.penstock.web.run;

import dev.penstock.model.InputMapping;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepStatus;
import dev.penstock.web.Formats;
import java.time.Instant;

/**
 * What a run page shows: the run, its steps counted by status, its graph (SVG markup, null when the
 * run is too large to draw, with {@code graphNote} saying why), a page of its step table and the
 * actions that apply now. {@code lastEventId} is where its live stream starts; {@code runningJson}
 * holds, by step version id, when each running step drawn in the graph started, for the page's
 * script to tick their clocks. Immutable.
 */
public record RunView(
    PipelineVersion run,
    RunQuery query,
    StatusTally counts,
    StepTable table,
    String graphSvg,
    String graphNote,
    long lastEventId,
    Instant now,
    boolean canAct,
    String notice,
    String runningJson) {

  private static final int VALUE_CHARS = 300;

  /** The links of a run page shown with {@code query}. */
  public record Links(String versionId, RunQuery query) {
    public String page() {
      return "/runs/" + Formats.query(versionId);
    }

    /** This page with {@code stepVersionId} selected. */
    public String step(String stepVersionId) {
      return page() + query.selecting(stepVersionId).toQueryString();
    }

    /** This page with the fan-out group {@code groupId} drawn step by step. */
    public String expanding(String groupId) {
      return page() + query.expanding(groupId).toQueryString();
    }
  }

  /** A variable's value as JSON, cut short when long: a run's page is not the place for 1 MB. */
  public static String value(InputMapping variable) {
    if (variable.value() == null) {
      return variable.pipelineVariable() == null ? "—" : "from " + variable.pipelineVariable();
    }
    String json = variable.value().toString();
    return json.length() <= VALUE_CHARS ? json : json.substring(0, VALUE_CHARS) + "…";
  }

  public String url() {
    return "/runs/" + Formats.query(run.id());
  }

  /** This page with {@code other}'s query. */
  public String url(RunQuery other) {
    return url() + other.toQueryString();
  }

  public String stepUrl(String stepVersionId) {
    return new Links(run.id(), query).step(stepVersionId);
  }

  /** Whether groups are drawn expanded, which a link can undo. */
  public boolean expanded() {
    return !query.expanded().isEmpty();
  }

  public String collapsedUrl() {
    return url(query.collapsed());
  }

  /** Where the step panel is loaded from (served by the step panel's routes). */
  public String panelUrl(String stepVersionId) {
    return url() + "/steps/" + Formats.query(stepVersionId);
  }

  public String eventsUrl() {
    String stream = query.streamQuery();
    return url() + "/events?lastEventId=" + lastEventId + (stream.isEmpty() ? "" : "&" + stream);
  }

  public boolean open() {
    return !run.status().terminal();
  }

  public boolean canCancel() {
    return canAct && open();
  }

  public boolean canSkipPending() {
    return canAct && open() && counts.count(StepStatus.PENDING) > 0;
  }

  public boolean canRerunFailed() {
    return canAct && counts.count(StepStatus.FAILED) > 0;
  }

  public boolean canRerunAll() {
    return canAct && !open();
  }

  public String duration() {
    return Formats.duration(run.startedAt(), run.completedAt(), now);
  }
}
