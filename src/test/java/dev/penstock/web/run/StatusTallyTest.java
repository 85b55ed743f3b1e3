package dev.penstock.web.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.StepStatus;
import dev.penstock.web.graph.FanOutGroups;
import dev.penstock.web.graph.Graph;
import dev.penstock.web.graph.GraphEdge;
import dev.penstock.web.graph.GraphNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatusTallyTest {

  @Test
  void a_group_rewritten_live_reads_as_the_graph_drew_it() {
    List<StepStatus> members = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      members.add(StepStatus.COMPLETE);
    }
    members.addAll(
        List.of(
            StepStatus.PENDING,
            StepStatus.FAILED,
            StepStatus.SKIPPED,
            StepStatus.RUNNING,
            StepStatus.CANCELLED,
            StepStatus.RUNNING));
    var nodes = new ArrayList<GraphNode>();
    var edges = new ArrayList<GraphEdge>();
    nodes.add(new GraphNode("root", "root", null, "complete", null));
    var tally = new StatusTally();
    for (int i = 0; i < members.size(); i++) {
      String status = members.get(i).name().toLowerCase(Locale.ROOT);
      nodes.add(new GraphNode("s" + i, "square_" + i, null, status, null));
      edges.add(new GraphEdge("root", "s" + i));
      tally.add(members.get(i));
    }

    GraphNode group =
        FanOutGroups.collapse(new Graph(nodes, edges), Set.of()).nodes().stream()
            .filter(GraphNode::isGroup)
            .findFirst()
            .orElseThrow();

    assertThat(tally.summary()).isEqualTo(group.subtitle());
    assertThat(tally.mostTelling()).isEqualTo(group.status()).isEqualTo("running");
  }

  @Test
  void counts_follow_steps_moving_between_statuses() {
    var tally = new StatusTally();
    tally.add(StepStatus.PENDING);
    tally.add(StepStatus.PENDING);
    tally.remove(StepStatus.PENDING);
    tally.add(StepStatus.RUNNING);

    assertThat(tally.all())
        .containsEntry(StepStatus.PENDING, 1)
        .containsEntry(StepStatus.RUNNING, 1)
        .containsEntry(StepStatus.COMPLETE, 0);
    assertThat(tally.total()).isEqualTo(2);
    assertThat(tally.summary()).isEqualTo("1 running · 1 pending");
  }
}
