package dev.penstock.web.pipeline;

import dev.penstock.web.Formats;
import java.util.ArrayList;
import java.util.List;

/**
 * The URLs of a pipeline page, each keeping the rest of what the page shows: the selected step,
 * expanded groups of the graph, and which page of the step table and of the run history. So every
 * view of the page can be shared and reloaded. Immutable.
 */
public record PipelineLinks(
    String pipelineId, String step, List<String> expanded, int stepsPage, int runsPage) {

  public PipelineLinks {
    expanded = List.copyOf(expanded);
  }

  /** The page as it is. */
  public String self() {
    return url(step, expanded, stepsPage, runsPage);
  }

  /** The page with {@code stepName} selected. */
  public String step(String stepName) {
    return url(stepName, expanded, stepsPage, runsPage);
  }

  /** The page with no step selected. */
  public String noStep() {
    return url(null, expanded, stepsPage, runsPage);
  }

  public String stepsPage(int page) {
    return url(step, expanded, page, runsPage);
  }

  public String runsPage(int page) {
    return url(step, expanded, stepsPage, page);
  }

  /** The page with the graph's group {@code groupId} drawn step by step. */
  public String expand(String groupId) {
    var more = new ArrayList<>(expanded);
    if (!more.contains(groupId)) {
      more.add(groupId);
    }
    return url(step, more, stepsPage, runsPage);
  }

  /** The page with the group {@code groupId} drawn as one node again. */
  public String collapse(String groupId) {
    var fewer = new ArrayList<>(expanded);
    fewer.remove(groupId);
    return url(step, fewer, stepsPage, runsPage);
  }

  /** Where the run form posts. */
  public String run() {
    return base() + "/run";
  }

  /** Where the schedule's pause and resume buttons post. */
  public String schedule() {
    return base() + "/schedule";
  }

  private String base() {
    return "/pipelines/" + Formats.query(pipelineId);
  }

  private String url(String stepName, List<String> groups, int steps, int runs) {
    var query = new StringBuilder();
    if (stepName != null) {
      query.append("&step=").append(Formats.query(stepName));
    }
    for (String group : groups) {
      query.append("&expand=").append(Formats.query(group));
    }
    if (steps > 1) {
      query.append("&steps=").append(steps);
    }
    if (runs > 1) {
      query.append("&runs=").append(runs);
    }
    return query.isEmpty() ? base() : base() + "?" + query.substring(1);
  }
}
