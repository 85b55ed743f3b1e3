package dev.penstock.web.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;

/** Graph shapes shared by the tests and {@link GraphLayoutBench}. */
final class TestGraphs {
  private TestGraphs() {}

  /** s0 → s1 → … → s(size-1). */
  static Graph chain(int size) {
    var edges = new ArrayList<GraphEdge>();
    for (int i = 1; i < size; i++) {
      edges.add(new GraphEdge(id(i - 1), id(i)));
    }
    return new Graph(nodes(size, i -> "step_" + i), edges);
  }

  /**
   * Each node after the first waits for 1 to 3 distinct nodes among the {@code reach} before it.
   */
  static Graph randomDag(int size, int reach) {
    var random = new Random(42);
    var edges = new ArrayList<GraphEdge>();
    for (int node = 1; node < size; node++) {
      int target = node;
      int lowest = Math.max(0, node - reach);
      int wanted = Math.min(node - lowest, 1 + random.nextInt(3));
      random.ints(lowest, node).distinct().limit(wanted).forEach(j -> edges.add(edge(j, target)));
    }
    return new Graph(nodes(size, i -> "transform_features_" + i), edges);
  }

  /** root → square_0 … square_(width-1) → sink; every tenth square running, the rest complete. */
  static Graph fanOut(int width) {
    var nodes = new ArrayList<GraphNode>();
    var edges = new ArrayList<GraphEdge>();
    nodes.add(new GraphNode("root", "root", null, "complete", null));
    for (int i = 0; i < width; i++) {
      String status = i % 10 == 0 ? "running" : "complete";
      nodes.add(new GraphNode("square_" + i, "square_" + i, "0.1 s", status, null));
      edges.add(new GraphEdge("root", "square_" + i));
      edges.add(new GraphEdge("square_" + i, "sink"));
    }
    nodes.add(new GraphNode("sink", "sink", null, "pending", null));
    return new Graph(nodes, edges);
  }

  private static List<GraphNode> nodes(int size, IntFunction<String> label) {
    var nodes = new ArrayList<GraphNode>(size);
    for (int i = 0; i < size; i++) {
      nodes.add(new GraphNode(id(i), label.apply(i), "1.2 s", "complete", "/steps/" + i));
    }
    return nodes;
  }

  private static GraphEdge edge(int from, int to) {
    return new GraphEdge(id(from), id(to));
  }

  private static String id(int index) {
    return "s" + index;
  }
}
