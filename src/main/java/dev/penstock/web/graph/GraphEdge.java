package dev.penstock.web.graph;

import java.util.Objects;

/** A dependency drawn as an arrow: {@code to} waits for {@code from}. Immutable. */
public record GraphEdge(String from, String to) {
  public GraphEdge {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
  }
}
