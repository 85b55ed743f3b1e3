package dev.penstock.web.graph;

import java.util.List;

/**
 * An edge with its route: where it leaves {@code from}, its bend points, and where it meets {@code
 * to}, in order; always at least two points. Immutable.
 */
public record RoutedEdge(String from, String to, List<Point> points) {
  public RoutedEdge {
    points = List.copyOf(points);
    if (points.size() < 2) {
      throw new IllegalArgumentException("a route needs a start and an end, got " + points);
    }
  }
}
