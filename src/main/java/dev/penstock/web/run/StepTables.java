package dev.penstock.web.run;

import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepStatus;
import dev.penstock.store.StepProgress;
import dev.penstock.web.Formats;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Cuts a page out of a run's steps for its table, and draws each row's attempts on a timeline (a
 * Gantt chart) whose window spans the page's attempts, from the first start to the last end (or
 * now, while one runs). Only the page's attempts are read, so a page costs the same in a run of
 * 10,000 steps as in one of 100. Stateless and thread-safe.
 */
final class StepTables {
  private StepTables() {}

  private record Span(long start, long end, String status, boolean earlier, String title) {}

  /**
   * @param all every step of the run, in position order
   * @param attempts reads the ended attempts of the given step version ids
   */
  static StepTable page(
      List<StepProgress> all,
      RunQuery query,
      Function<Collection<String>, Map<String, List<StepAttempt>>> attempts,
      Instant now) {
    List<StepProgress> matching =
        query.status() == null
            ? all
            : all.stream().filter(step -> step.status() == query.status()).toList();
    int pages = Math.max(1, (matching.size() + StepTable.PAGE_SIZE - 1) / StepTable.PAGE_SIZE);
    int page = Math.min(query.stepsPage(), pages);
    int from = (page - 1) * StepTable.PAGE_SIZE;
    List<StepProgress> shown =
        matching.subList(from, Math.min(matching.size(), from + StepTable.PAGE_SIZE));
    var ended = attempts.apply(shown.stream().map(StepProgress::id).toList());

    var spans = new ArrayList<List<Span>>(shown.size());
    long windowStart = Long.MAX_VALUE;
    long windowEnd = Long.MIN_VALUE;
    for (StepProgress step : shown) {
      List<Span> row = spans(step, ended.getOrDefault(step.id(), List.of()), now);
      for (Span span : row) {
        windowStart = Math.min(windowStart, span.start());
        windowEnd = Math.max(windowEnd, span.end() == 0 ? now.toEpochMilli() : span.end());
      }
      spans.add(row);
    }
    if (windowStart == Long.MAX_VALUE) {
      windowStart = windowEnd = 0;
    }
    var rows = new ArrayList<StepRow>(shown.size());
    for (int i = 0; i < shown.size(); i++) {
      StepProgress step = shown.get(i);
      var bars = new ArrayList<TimelineBar>();
      for (Span span : spans.get(i)) {
        bars.add(bar(span, windowStart, windowEnd, now));
      }
      rows.add(new StepRow(step, StepText.duration(step, now), bars));
    }
    return new StepTable(rows, page, pages, matching.size(), windowStart, windowEnd);
  }

  /** The step's ended attempts, then its current one while it runs, oldest first. */
  private static List<Span> spans(StepProgress step, List<StepAttempt> ended, Instant now) {
    var spans = new ArrayList<Span>();
    boolean currentEnded = false;
    for (StepAttempt attempt : ended) {
      if (attempt.startedAt() == null || attempt.endedAt() == null) {
        continue;
      }
      boolean current = attempt.attempt() == step.attempt() && step.status().terminal();
      currentEnded |= current;
      String status = attempt.status().toLowerCase(java.util.Locale.ROOT);
      spans.add(
          new Span(
              attempt.startedAt().toEpochMilli(),
              attempt.endedAt().toEpochMilli(),
              status,
              !current,
              "attempt %d: %s, %s"
                  .formatted(
                      attempt.attempt(),
                      status,
                      Formats.duration(attempt.startedAt(), attempt.endedAt(), now))));
    }
    boolean running = step.status() == StepStatus.RUNNING;
    if (step.startedAt() != null && (running || (step.status().terminal() && !currentEnded))) {
      Instant end = StepText.end(step);
      spans.add(
          new Span(
              step.startedAt().toEpochMilli(),
              end == null ? 0 : end.toEpochMilli(),
              StepText.status(step),
              false,
              "attempt %d: %s, %s"
                  .formatted(step.attempt(), StepText.status(step), StepText.duration(step, now))));
    }
    return spans;
  }

  private static TimelineBar bar(Span span, long windowStart, long windowEnd, Instant now) {
    double length = Math.max(1, windowEnd - windowStart);
    long end = span.end() == 0 ? now.toEpochMilli() : span.end();
    double left = 100.0 * (span.start() - windowStart) / length;
    double width = Math.max(0.3, 100.0 * (end - span.start()) / length);
    return new TimelineBar(
        left,
        Math.min(width, 100 - left),
        span.status(),
        span.earlier(),
        span.title(),
        span.start(),
        span.end());
  }
}
