package dev.penstock.web.run;

import dev.penstock.web.Formats;
import java.time.Instant;
import java.util.List;

/**
 * A page of a run's step table: {@code rows} of the {@code matching} steps (those of the filter's
 * status, or all), page {@code page} of {@code pages}. {@code windowStart} and {@code windowEnd}
 * (epoch millis) are the span of time the rows' timeline bars are drawn against.
 */
public record StepTable(
    List<StepRow> rows, int page, int pages, int matching, long windowStart, long windowEnd) {

  public static final int PAGE_SIZE = 100;

  public boolean hasTimeline() {
    return windowEnd > windowStart;
  }

  public String windowStartText() {
    return Formats.time(Instant.ofEpochMilli(windowStart));
  }

  public String windowLength() {
    return Formats.duration(java.time.Duration.ofMillis(windowEnd - windowStart));
  }
}
