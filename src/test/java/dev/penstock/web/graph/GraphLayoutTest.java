package dev.penstock.web.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GraphLayoutTest {
  private static final Graph RANDOM = TestGraphs.randomDag(150, 20);

  @Test
  void every_edge_runs_left_to_right_from_its_source_to_its_target() {
    LaidOutGraph laidOut = GraphLayout.layout(RANDOM);
    Map<String, PlacedNode> byId = byId(laidOut);

    assertThat(laidOut.edges()).hasSize(RANDOM.edges().size());
    for (RoutedEdge edge : laidOut.edges()) {
      PlacedNode from = byId.get(edge.from());
      PlacedNode to = byId.get(edge.to());
      assertThat(from.x() + from.width())
          .as("%s ends before %s", edge.from(), edge.to())
          .isLessThan(to.x());
      assertThat(edge.points().getFirst().x()).isCloseTo(from.x() + from.width(), within(0.5));
      assertThat(edge.points().getLast().x()).isCloseTo(to.x(), within(0.5));
    }
  }

  @Test
  void no_two_node_boxes_overlap() {
    List<PlacedNode> nodes = GraphLayout.layout(RANDOM).nodes();

    for (int i = 0; i < nodes.size(); i++) {
      for (int j = i + 1; j < nodes.size(); j++) {
        PlacedNode a = nodes.get(i);
        PlacedNode b = nodes.get(j);
        boolean apart =
            a.x() + a.width() <= b.x()
                || b.x() + b.width() <= a.x()
                || a.y() + a.height() <= b.y()
                || b.y() + b.height() <= a.y();
        assertThat(apart).as("%s and %s overlap", a, b).isTrue();
      }
    }
  }

  @Test
  void every_node_lies_inside_the_drawing() {
    LaidOutGraph laidOut = GraphLayout.layout(RANDOM);

    for (PlacedNode node : laidOut.nodes()) {
      assertThat(node.x()).isPositive();
      assertThat(node.y()).isPositive();
      assertThat(node.x() + node.width()).isLessThan(laidOut.width());
      assertThat(node.y() + node.height()).isLessThan(laidOut.height());
    }
  }

  @Test
  void the_drawing_grows_with_its_nodes() {
    LaidOutGraph shortChain = GraphLayout.layout(TestGraphs.chain(5));
    LaidOutGraph longChain = GraphLayout.layout(TestGraphs.chain(50));
    LaidOutGraph narrowFan = GraphLayout.layout(TestGraphs.fanOut(3));
    LaidOutGraph wideFan = GraphLayout.layout(TestGraphs.fanOut(30));

    assertThat(longChain.width()).isGreaterThan(shortChain.width() * 5);
    assertThat(wideFan.height()).isGreaterThan(narrowFan.height() * 5);
  }

  @Test
  void nodes_are_as_wide_as_their_labels_up_to_the_truncation() {
    var nodes =
        List.of(
            new GraphNode("a", "load", null, null, null),
            new GraphNode("b", "load_customer_transactions", null, null, null),
            new GraphNode("c", "x".repeat(200), null, null, null),
            new GraphNode("d", "x".repeat(400), null, null, null));
    LaidOutGraph laidOut = GraphLayout.layout(new Graph(nodes, List.of()));
    Map<String, PlacedNode> byId = byId(laidOut);

    assertThat(byId.get("a").height()).isEqualTo(GraphLayout.NODE_HEIGHT);
    assertThat(byId.get("b").width()).isGreaterThan(byId.get("a").width() + 100);
    assertThat(byId.get("c").width()).isGreaterThan(byId.get("b").width());
    assertThat(byId.get("d").width()).isEqualTo(byId.get("c").width());
  }

  @Test
  void the_same_graph_always_gets_the_same_layout() {
    assertThat(GraphLayout.layout(RANDOM)).isEqualTo(GraphLayout.layout(RANDOM));
  }

  @Test
  void layouts_running_at_once_on_several_threads_match_a_layout_run_alone() throws Exception {
    List<Graph> graphs = List.of(RANDOM, TestGraphs.chain(80), TestGraphs.fanOut(40));
    List<LaidOutGraph> alone = graphs.stream().map(GraphLayout::layout).toList();

    var tasks = new ArrayList<Callable<LaidOutGraph>>();
    for (int round = 0; round < 4; round++) {
      graphs.forEach(graph -> tasks.add(() -> GraphLayout.layout(graph)));
    }
    List<LaidOutGraph> together = new ArrayList<>();
    try (ExecutorService threads = Executors.newFixedThreadPool(4)) {
      for (Future<LaidOutGraph> result : threads.invokeAll(tasks)) {
        together.add(result.get());
      }
    }

    for (int i = 0; i < together.size(); i++) {
      assertThat(together.get(i)).isEqualTo(alone.get(i % graphs.size()));
    }
  }

  @Test
  void an_empty_pipeline_lays_out_as_an_empty_drawing() {
    LaidOutGraph laidOut = GraphLayout.layout(new Graph(List.of(), List.of()));

    assertThat(laidOut.nodes()).isEmpty();
    assertThat(laidOut.width()).isLessThan(100);
    assertThat(laidOut.height()).isLessThan(100);
  }

  @Test
  void graphs_above_the_cap_are_refused() {
    assertThat(GraphLayout.fits(GraphLayout.MAX_LAID_OUT_NODES)).isTrue();
    assertThat(GraphLayout.fits(GraphLayout.MAX_LAID_OUT_NODES + 1)).isFalse();

    Graph tooBig = TestGraphs.chain(GraphLayout.MAX_LAID_OUT_NODES + 1);
    assertThatThrownBy(() -> GraphLayout.layout(tooBig))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(String.valueOf(GraphLayout.MAX_LAID_OUT_NODES));
  }

  private static Map<String, PlacedNode> byId(LaidOutGraph laidOut) {
    return laidOut.nodes().stream()
        .collect(Collectors.toMap(placed -> placed.node().id(), Function.identity()));
  }
}
