package dev.penstock.web.graph;

import java.util.List;

/**
 * A graph with every node placed and every edge routed, ready for {@link GraphSvg}. Width and
 * height include the margin around the drawing. Nodes and edges keep the order of the {@link Graph}
 * they came from. Immutable.
 */
public record LaidOutGraph(
    double width, double height, List<PlacedNode> nodes, List<RoutedEdge> edges) {
  public LaidOutGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }
}
