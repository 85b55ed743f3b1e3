package dev.penstock.web.run;

/**
 * One attempt drawn on a step's row of the timeline: where it sits on the page's time window (in
 * percent), its status (CSS suffix), whether it is an earlier attempt (drawn faded), and its start
 * and end as epoch millis for the page's script to redraw it as time passes ({@code end} 0 while it
 * runs).
 */
public record TimelineBar(
    double left, double width, String status, boolean earlier, String title, long start, long end) {

  /** The inline position, computed here from numbers only: "left:12.5%;width:3.25%". */
  public String style() {
    return "left:%.3f%%;width:%.3f%%".formatted(left, width);
  }
}
