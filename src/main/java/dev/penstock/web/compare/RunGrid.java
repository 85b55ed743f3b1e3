package dev.penstock.web.compare;

import dev.penstock.model.PipelineVersion;
import dev.penstock.store.StepProgress;
import dev.penstock.web.Formats;
import java.time.Instant;
import java.util.List;

/**
 * A pipeline's recent runs by step, as the grid shows them: columns are runs, oldest on the left
 * and newest on the right; rows are step names (a page of them); each cell is that step's status in
 * that run. {@code highlighted} is the run the page was opened for (null for none).
 */
public record RunGrid(
    String pipelineId,
    String pipelineName,
    List<Column> columns,
    List<Row> rows,
    String highlighted,
    int page,
    int pages,
    int stepCount,
    int runCount,
    int offset,
    int width,
    boolean fragment,
    Instant now) {

  /** One run, with the height of its bar (its duration against the longest shown). */
  public record Column(PipelineVersion run, int barHeight) {}

  /** One step name across the runs: a cell per column, in column order. */
  public record Row(String stepName, List<Cell> cells) {}

  /** One step in one run; {@code step} is null when that run has no step of the name. */
  public record Cell(String runId, StepProgress step) {}

  /** Whether runs older than the leftmost exist. */
  public boolean hasOlder() {
    return offset + columns.size() < runCount;
  }

  public boolean hasNewer() {
    return offset > 0;
  }

  /** This grid's URL with other paging: runs skipped from the newest, and the page of steps. */
  public String url(int otherOffset, int otherPage) {
    return "/pipelines/%s/grid?run=%s&runs=%d&offset=%d&page=%d"
        .formatted(
            pipelineId,
            highlighted == null ? "" : Formats.query(highlighted),
            width,
            Math.max(0, otherOffset),
            otherPage);
  }

  /** The tooltip of a cell: step, status, duration, run. */
  public String title(Row row, Cell cell, Column column) {
    if (cell.step() == null) {
      return row.stepName() + ": not in run " + cell.runId();
    }
    StepProgress step = cell.step();
    return "%s · %s · %s%s · run %s"
        .formatted(
            row.stepName(),
            step.status().name(),
            Formats.duration(step.startedAt(), step.completedAt(), now),
            step.attempt() > 1 ? " · attempt " + step.attempt() : "",
            Formats.time(column.run().createdAt()));
  }
}
