package dev.penstock.web.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collapses wide fan-outs so that a 10,000-step pipeline draws as three boxes: steps with exactly
 * the same upstream ids and the same downstream ids, at least {@code minGroupSize} of them, become
 * one group node. Such steps are interchangeable in the drawing (same arrows in, same arrows out),
 * so the group loses no structure, only repetition.
 *
 * <p>A group's id is {@code "group:" + <first member's id in input order>}, so it stays the same
 * across requests as long as that step exists; pass it in {@code expanded} to draw the members one
 * by one. Edges into or out of members are redirected to the group and deduplicated. Runs in time
 * linear in nodes plus edges (sorting each node's neighbours aside). Stateless and thread-safe.
 */
public final class FanOutGroups {
  /** Fewer interchangeable steps than this are drawn one by one. */
  public static final int DEFAULT_MIN_GROUP_SIZE = 8;

  private static final String GROUP_PREFIX = "group:";

  private FanOutGroups() {}

  /** {@link #collapse(Graph, Set, int)} with {@link #DEFAULT_MIN_GROUP_SIZE}. */
  public static Graph collapse(Graph graph, Set<String> expanded) {
    return collapse(graph, expanded, DEFAULT_MIN_GROUP_SIZE);
  }

  /**
   * The graph with each group of at least {@code minGroupSize} interchangeable steps replaced by
   * one {@link GraphNode#isGroup() group node}, placed where its first member was; groups whose id
   * is in {@code expanded} are left as they are.
   *
   * <p>A group is labelled with its size ("9,998 steps"), or with its members' common name and size
   * when they share one ("square ×9,998"). Its status is the most telling of its members', in the
   * order running, failed, pending, cancelled, skipped, complete (then any other status,
   * alphabetically): what is happening now first, then what needs attention, then what is still to
   * come. Its subtitle counts members by status in that same order ("998 running · 9,000
   * complete"); both are null when no member has a status (a pipeline, not a run).
   */
  public static Graph collapse(Graph graph, Set<String> expanded, int minGroupSize) {
    if (minGroupSize < 2) {
      throw new IllegalArgumentException("minGroupSize must be at least 2, got " + minGroupSize);
    }
    List<GraphNode> nodes = graph.nodes();
    Map<String, Integer> indexById = HashMap.newHashMap(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      indexById.put(nodes.get(i).id(), i);
    }
    var bySignature = new LinkedHashMap<Signature, List<Integer>>();
    for (Signature signature : signatures(graph, indexById)) {
      bySignature.computeIfAbsent(signature, key -> new ArrayList<>()).add(signature.node());
    }

    // representative[i] is the id node i is drawn as: its own, or its group's.
    String[] representative = new String[nodes.size()];
    GraphNode[] groupAt = new GraphNode[nodes.size()];
    for (List<Integer> members : bySignature.values()) {
      String groupId = GROUP_PREFIX + nodes.get(members.getFirst()).id();
      if (members.size() < minGroupSize || expanded.contains(groupId)) {
        continue;
      }
      var memberNodes = members.stream().map(nodes::get).toList();
      groupAt[members.getFirst()] = GroupSummary.groupNode(groupId, memberNodes);
      for (int member : members) {
        representative[member] = groupId;
      }
    }

    var collapsedNodes = new ArrayList<GraphNode>();
    for (int i = 0; i < nodes.size(); i++) {
      if (groupAt[i] != null) {
        collapsedNodes.add(groupAt[i]);
      } else if (representative[i] == null) {
        collapsedNodes.add(nodes.get(i));
      }
    }
    var collapsedEdges = new LinkedHashSet<GraphEdge>();
    for (GraphEdge edge : graph.edges()) {
      String from = drawnAs(edge.from(), indexById, representative);
      String to = drawnAs(edge.to(), indexById, representative);
      // Never a loop on a group: an edge between two members would make their upstreams differ.
      collapsedEdges.add(new GraphEdge(from, to));
    }
    return new Graph(collapsedNodes, List.copyOf(collapsedEdges));
  }

  private static String drawnAs(
      String id, Map<String, Integer> indexById, String[] representative) {
    String group = representative[indexById.get(id)];
    return group == null ? id : group;
  }

  /** Each node's sorted, distinct upstream and downstream indices, in node order. */
  private static List<Signature> signatures(Graph graph, Map<String, Integer> indexById) {
    int count = graph.nodes().size();
    var ups = new IntList[count];
    var downs = new IntList[count];
    for (int i = 0; i < count; i++) {
      ups[i] = new IntList();
      downs[i] = new IntList();
    }
    for (GraphEdge edge : graph.edges()) {
      int from = indexById.get(edge.from());
      int to = indexById.get(edge.to());
      downs[from].add(to);
      ups[to].add(from);
    }
    var signatures = new ArrayList<Signature>(count);
    for (int i = 0; i < count; i++) {
      signatures.add(new Signature(i, ups[i].sortedDistinct(), downs[i].sortedDistinct()));
    }
    return signatures;
  }

  /** Neighbours that make nodes interchangeable; equality ignores {@code node}. */
  private record Signature(int node, int[] ups, int[] downs) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Signature that
          && Arrays.equals(ups, that.ups)
          && Arrays.equals(downs, that.downs);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(ups) + Arrays.hashCode(downs);
    }
  }

  /** A growable int array: boxing 20,000 neighbour lists would dominate the 10,000-step case. */
  private static final class IntList {
    private int[] values = new int[1];
    private int size;

    void add(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    int[] sortedDistinct() {
      Arrays.sort(values, 0, size);
      int distinct = 0;
      for (int i = 0; i < size; i++) {
        if (distinct == 0 || values[i] != values[distinct - 1]) {
          values[distinct++] = values[i];
        }
      }
      return Arrays.copyOf(values, distinct);
    }
  }
}
