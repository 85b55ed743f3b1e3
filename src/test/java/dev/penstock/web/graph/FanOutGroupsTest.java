package dev.penstock.web.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class FanOutGroupsTest {

  @Test
  void steps_sharing_upstreams_and_downstreams_collapse_into_one_group() {
    Graph collapsed = FanOutGroups.collapse(TestGraphs.fanOut(8), Set.of());

    assertThat(collapsed.nodes())
        .extracting(GraphNode::id)
        .containsExactly("root", "group:square_0", "sink");
    GraphNode group = collapsed.nodes().get(1);
    assertThat(group.isGroup()).isTrue();
    assertThat(group.members())
        .containsExactlyElementsOf(IntStream.range(0, 8).mapToObj(i -> "square_" + i).toList());
    assertThat(collapsed.edges())
        .containsExactly(
            new GraphEdge("root", "group:square_0"), new GraphEdge("group:square_0", "sink"));
  }

  @Test
  void a_step_with_an_extra_downstream_stays_out_of_the_group() {
    Graph graph = withExtraEdge(TestGraphs.fanOut(9), "square_4", "audit");

    Graph collapsed = FanOutGroups.collapse(graph, Set.of());

    assertThat(collapsed.nodes())
        .extracting(GraphNode::id)
        .containsExactly("root", "group:square_0", "square_4", "sink", "audit");
    assertThat(collapsed.nodes().get(1).members()).hasSize(8).doesNotContain("square_4");
    assertThat(collapsed.edges())
        .containsExactlyInAnyOrder(
            new GraphEdge("root", "group:square_0"),
            new GraphEdge("group:square_0", "sink"),
            new GraphEdge("root", "square_4"),
            new GraphEdge("square_4", "sink"),
            new GraphEdge("square_4", "audit"));
  }

  @Test
  void a_step_with_an_extra_upstream_stays_out_of_the_group() {
    Graph graph = withExtraEdge(TestGraphs.fanOut(9), "config", "square_0");

    Graph collapsed = FanOutGroups.collapse(graph, Set.of());

    // square_0 left, so the group is named after the next member.
    assertThat(collapsed.nodes())
        .extracting(GraphNode::id)
        .containsExactly("root", "square_0", "group:square_1", "sink", "config");
  }

  @Test
  void fewer_interchangeable_steps_than_the_minimum_stay_apart() {
    Graph seven = TestGraphs.fanOut(7);

    assertThat(FanOutGroups.collapse(seven, Set.of())).isEqualTo(seven);
    assertThat(FanOutGroups.collapse(seven, Set.of(), 7).nodes()).hasSize(3);
  }

  @Test
  void an_expanded_group_stays_open() {
    Graph graph = TestGraphs.fanOut(20);

    assertThat(FanOutGroups.collapse(graph, Set.of("group:square_0"))).isEqualTo(graph);
  }

  @Test
  void edges_between_two_groups_become_one_edge() {
    // root → a0..a7, and every a feeds every b: 64 edges between the two groups.
    var nodes = new ArrayList<GraphNode>(List.of(step("root", null)));
    var edges = new ArrayList<GraphEdge>();
    for (int a = 0; a < 8; a++) {
      nodes.add(step("a" + a, null));
      edges.add(new GraphEdge("root", "a" + a));
    }
    for (int b = 0; b < 8; b++) {
      nodes.add(step("b" + b, null));
      for (int a = 0; a < 8; a++) {
        edges.add(new GraphEdge("a" + a, "b" + b));
      }
    }

    Graph collapsed = FanOutGroups.collapse(new Graph(nodes, edges), Set.of());

    assertThat(collapsed.nodes())
        .extracting(GraphNode::id)
        .containsExactly("root", "group:a0", "group:b0");
    assertThat(collapsed.edges())
        .containsExactly(new GraphEdge("root", "group:a0"), new GraphEdge("group:a0", "group:b0"));
  }

  @Test
  void group_shows_the_most_telling_member_status_and_counts_all_of_them() {
    List<String> statuses =
        List.of(
            "complete",
            "complete",
            "complete",
            "complete",
            "complete",
            "skipped",
            "failed",
            "running",
            "failed");

    GraphNode group = collapsedGroup(statuses);

    assertThat(group.status()).isEqualTo("running");
    assertThat(group.subtitle()).isEqualTo("1 running · 2 failed · 1 skipped · 5 complete");
  }

  @Test
  void each_status_outranks_every_status_after_it() {
    List<String> order =
        List.of("running", "failed", "pending", "cancelled", "skipped", "complete");
    for (int i = 0; i + 1 < order.size(); i++) {
      var statuses = new ArrayList<>(List.of(order.get(i)));
      statuses.addAll(order.subList(i + 1, order.size()));
      while (statuses.size() < 8) {
        statuses.add(order.getLast());
      }

      assertThat(collapsedGroup(statuses).status()).as("with %s", statuses).isEqualTo(order.get(i));
    }
  }

  @Test
  void a_pipeline_group_has_neither_status_nor_subtitle() {
    GraphNode group = collapsedGroup(Collections.nCopies(8, null));

    assertThat(group.status()).isNull();
    assertThat(group.subtitle()).isNull();
  }

  @Test
  void group_is_labelled_with_its_members_common_name_or_else_its_size() {
    assertThat(FanOutGroups.collapse(TestGraphs.fanOut(9_998), Set.of()).nodes().get(1).label())
        .isEqualTo("square ×9,998");

    Graph mixed = renamed(TestGraphs.fanOut(8), "square_3", "cube");
    assertThat(FanOutGroups.collapse(mixed, Set.of()).nodes().get(1).label()).isEqualTo("8 steps");
  }

  @Test
  void ten_thousand_wide_fan_out_collapses_to_three_nodes_fast() {
    Graph benchmarkShape = TestGraphs.fanOut(9_998);

    // Measured at 7 ms warm and 70 to 230 ms cold; a second is room for a busy machine, not for a
    // quadratic pass over the members.
    Graph collapsed =
        assertTimeout(Duration.ofSeconds(1), () -> FanOutGroups.collapse(benchmarkShape, Set.of()));

    assertThat(collapsed.nodes()).hasSize(3);
    assertThat(collapsed.edges()).hasSize(2);
    GraphNode group = collapsed.nodes().get(1);
    assertThat(group.members()).hasSize(9_998);
    assertThat(group.status()).isEqualTo("running");
    assertThat(group.subtitle()).isEqualTo("1,000 running · 8,998 complete");
  }

  /** A fan-out of {@code statuses.size()} squares with these statuses, collapsed: its group. */
  private static GraphNode collapsedGroup(List<String> statuses) {
    var nodes = new ArrayList<GraphNode>(List.of(step("root", "complete")));
    var edges = new ArrayList<GraphEdge>();
    for (int i = 0; i < statuses.size(); i++) {
      nodes.add(step("square_" + i, statuses.get(i)));
      edges.add(new GraphEdge("root", "square_" + i));
    }
    Graph collapsed = FanOutGroups.collapse(new Graph(nodes, edges), Set.of());
    assertThat(collapsed.nodes()).hasSize(2);
    return collapsed.nodes().get(1);
  }

  private static Graph withExtraEdge(Graph graph, String from, String to) {
    var nodes = new ArrayList<>(graph.nodes());
    String newNode = graph.nodes().stream().anyMatch(node -> node.id().equals(from)) ? to : from;
    nodes.add(step(newNode, null));
    var edges = new ArrayList<>(graph.edges());
    edges.add(new GraphEdge(from, to));
    return new Graph(nodes, edges);
  }

  private static Graph renamed(Graph graph, String id, String label) {
    var nodes =
        graph.nodes().stream()
            .map(node -> node.id().equals(id) ? step(id, node.status(), label) : node)
            .toList();
    return new Graph(nodes, graph.edges());
  }

  private static GraphNode step(String id, String status) {
    return step(id, status, id);
  }

  private static GraphNode step(String id, String status, String label) {
    return new GraphNode(id, label, null, status, null);
  }
}
