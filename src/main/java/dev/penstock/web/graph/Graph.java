package dev.penstock.web.graph;

import java.util.HashSet;
import java.util.List;

/**
 * Nodes and edges to draw, before layout. Immutable. Node order is kept: it decides which member
 * names a group and, through ELK, the order of nodes within a layer.
 *
 * @throws IllegalArgumentException when two nodes share an id or an edge names an unknown node
 */
public record Graph(List<GraphNode> nodes, List<GraphEdge> edges) {
  public Graph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
    var ids = HashSet.<String>newHashSet(nodes.size());
    for (GraphNode node : nodes) {
      if (!ids.add(node.id())) {
        throw new IllegalArgumentException("two nodes have the id " + node.id());
      }
    }
    for (GraphEdge edge : edges) {
      if (!ids.contains(edge.from()) || !ids.contains(edge.to())) {
        throw new IllegalArgumentException("edge names an unknown node: " + edge);
      }
    }
  }
}
