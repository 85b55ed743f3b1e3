package dev.penstock.web.run;

import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.StepStatus;
import dev.penstock.web.Formats;
import dev.penstock.web.Paging;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a run page shows besides the run, from its query string, so that a shared or reloaded URL
 * shows the same: the page of the step table ({@code steps}), its status filter ({@code status}),
 * the fan-out groups drawn expanded ({@code expand}, repeated) and the selected step ({@code
 * step}). The live stream reads the same parameters to know which steps the page shows. Immutable.
 */
public record RunQuery(int stepsPage, StepStatus status, Set<String> expanded, String step) {
  public RunQuery {
    expanded = Set.copyOf(expanded);
  }

  /** The query of {@code ctx}; a status that is not one gets a 400 naming the valid ones. */
  static RunQuery of(Context ctx) {
    String status = ctx.queryParam("status");
    String step = ctx.queryParam("step");
    return new RunQuery(
        Paging.page(ctx, "steps"),
        status == null || status.isBlank() ? null : status(status),
        new LinkedHashSet<>(ctx.queryParams("expand")),
        step == null || step.isBlank() ? null : step.strip());
  }

  private static StepStatus status(String value) {
    try {
      return StepStatus.valueOf(value.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidParameterException(
          "No step status \u201c%s\u201d: the statuses are %s"
              .formatted(
                  value,
                  Arrays.stream(StepStatus.values())
                      .map(Enum::name)
                      .collect(Collectors.joining(", "))));
    }
  }

  /** This query on another page of steps. */
  public RunQuery onPage(int page) {
    return new RunQuery(page, status, expanded, step);
  }

  /** This query filtered to {@code newStatus} (null: every status), from the first page. */
  public RunQuery filtered(StepStatus newStatus) {
    return new RunQuery(1, newStatus, expanded, step);
  }

  /** This query with {@code groupId} drawn expanded as well. */
  public RunQuery expanding(String groupId) {
    var more = new LinkedHashSet<>(expanded);
    more.add(groupId);
    return new RunQuery(stepsPage, status, more, step);
  }

  /** This query with every group drawn collapsed again. */
  public RunQuery collapsed() {
    return new RunQuery(stepsPage, status, Set.of(), step);
  }

  /** This query with {@code stepVersionId} selected (null: none). */
  public RunQuery selecting(String stepVersionId) {
    return new RunQuery(stepsPage, status, expanded, stepVersionId);
  }

  /** The query string, "?" included, or "" when everything is at its default. */
  public String toQueryString() {
    var parts = new ArrayList<String>();
    if (stepsPage > 1) {
      parts.add("steps=" + stepsPage);
    }
    if (status != null) {
      parts.add("status=" + status.name());
    }
    for (String group : expanded.stream().sorted().toList()) {
      parts.add("expand=" + Formats.query(group));
    }
    if (step != null) {
      parts.add("step=" + Formats.query(step));
    }
    return parts.isEmpty() ? "" : "?" + String.join("&", parts);
  }

  /** The query the live stream needs (no selected step), without the leading "?", maybe empty. */
  public String streamQuery() {
    String query = selecting(null).toQueryString();
    return query.isEmpty() ? "" : query.substring(1);
  }
}
