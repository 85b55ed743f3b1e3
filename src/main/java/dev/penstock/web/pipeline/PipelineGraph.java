package dev.penstock.web.pipeline;

import dev.penstock.model.PipelineStep;
import dev.penstock.web.graph.FanOutGroups;
import dev.penstock.web.graph.Graph;
import dev.penstock.web.graph.GraphEdge;
import dev.penstock.web.graph.GraphLayout;
import dev.penstock.web.graph.GraphNode;
import dev.penstock.web.graph.GraphSvg;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Draws a pipeline's steps left to right, an arrow from each dependency to its dependent, with wide
 * fan-outs collapsed into one node that links to the page with that group drawn step by step. Nodes
 * are named by step name, so the SVG's {@code data-id} is what {@code ?step=} takes. Stateless and
 * thread-safe.
 */
final class PipelineGraph {
  private PipelineGraph() {}

  /** The SVG of the steps, or null when there are none or too many to draw even collapsed. */
  static String draw(List<PipelineStep> steps, PipelineLinks links) {
    if (steps.isEmpty()) {
      return null;
    }
    var names = HashSet.<String>newHashSet(steps.size());
    var nodes = new ArrayList<GraphNode>(steps.size());
    for (PipelineStep step : steps) {
      names.add(step.name());
      nodes.add(
          new GraphNode(step.name(), step.name(), subtitle(step), null, links.step(step.name())));
    }
    var edges = new LinkedHashSet<GraphEdge>();
    for (PipelineStep step : steps) {
      for (String upstream :
          step.dependencies() == null ? List.<String>of() : step.dependencies()) {
        // A dependency on a step since deleted or renamed names nothing to draw.
        if (names.contains(upstream) && !upstream.equals(step.name())) {
          edges.add(new GraphEdge(upstream, step.name()));
        }
      }
    }
    Graph collapsed =
        FanOutGroups.collapse(new Graph(nodes, List.copyOf(edges)), Set.copyOf(links.expanded()));
    if (!GraphLayout.fits(collapsed.nodes().size())) {
      return null;
    }
    List<GraphNode> shown =
        collapsed.nodes().stream()
            .map(node -> node.isGroup() ? node.withHref(links.expand(node.id())) : node)
            .toList();
    return GraphSvg.render(GraphLayout.layout(new Graph(shown, collapsed.edges())));
  }

  /** The function a step calls, when its name does not already say it. */
  private static String subtitle(PipelineStep step) {
    String function = step.function().functionName();
    return function == null || function.equals(step.name()) ? null : function + "()";
  }
}
