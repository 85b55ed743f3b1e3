package dev.penstock.web.run;

import dev.penstock.model.PipelineVersion;
import dev.penstock.store.RunOverview;
import dev.penstock.store.StepProgress;
import dev.penstock.web.Formats;
import dev.penstock.web.graph.FanOutGroups;
import dev.penstock.web.graph.Graph;
import dev.penstock.web.graph.GraphEdge;
import dev.penstock.web.graph.GraphLayout;
import dev.penstock.web.graph.GraphNode;
import dev.penstock.web.graph.GraphSvg;
import dev.penstock.web.graph.LaidOutGraph;
import dev.penstock.web.graph.PlacedNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Draws runs' graphs, coloured by step status: fan-outs collapsed into groups (those the query
 * expands drawn step by step), the rest laid out when it fits, else not drawn. A run's dependencies
 * never change once it exists, and neither does its layout for one set of expanded groups: both are
 * kept for the few runs looked at last, so a page drawn again only renders the SVG with the steps'
 * current statuses and durations. Boxes are laid out wide enough for any duration, so a subtitle
 * that grows while the page is open still fits. Thread-safe.
 */
final class RunGraphs {
  private static final int CACHED_RUNS = 16;

  /** The widest subtitle a step's box is laid out for: a duration and an attempt. */
  private static final String STEP_SUBTITLE_ROOM = "59 min 59 s · attempt 10";

  /** A group's counts are cut at 44 characters when drawn; its box has room for them all. */
  private static final String GROUP_SUBTITLE_ROOM = "0".repeat(44);

  private record Layout(String versionId, Set<String> expanded) {}

  private final RunOverview overview;
  private final Map<String, Map<String, List<String>>> dependencies = lru();
  private final Map<Layout, LaidOutGraph> layouts = lru();

  RunGraphs(RunOverview overview) {
    this.overview = overview;
  }

  private static <K, V> Map<K, V> lru() {
    return new LinkedHashMap<>(CACHED_RUNS, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > CACHED_RUNS;
      }
    };
  }

  /**
   * The run's graph as its page draws it, without laying it out: which steps are drawn on their
   * own, and the group each other step is drawn in. What the live stream needs to know.
   */
  DrawnGraph structure(PipelineVersion run, List<StepProgress> steps, RunQuery query) {
    Graph collapsed = collapse(run, steps, query, Instant.EPOCH);
    return withoutDrawing(collapsed, steps.size());
  }

  /** The run's graph drawn as SVG, or, when it is too large to draw, a note saying so. */
  DrawnGraph draw(PipelineVersion run, List<StepProgress> steps, RunQuery query, Instant now) {
    Graph collapsed = collapse(run, steps, query, now);
    DrawnGraph structure = withoutDrawing(collapsed, steps.size());
    if (structure.note() != null) {
      return structure;
    }
    var view = new RunView.Links(run.id(), query);
    var nodes = new ArrayList<GraphNode>(collapsed.nodes().size());
    for (GraphNode node : collapsed.nodes()) {
      if (!node.isGroup()) {
        nodes.add(node.withHref(view.step(node.id())));
      } else if (GraphLayout.fits(collapsed.nodes().size() - 1 + node.members().size())) {
        nodes.add(node.withHref(view.expanding(node.id())));
      } else {
        nodes.add(node);
      }
    }
    LaidOutGraph laidOut = layout(new Layout(run.id(), query.expanded()), collapsed);
    var placed = new ArrayList<PlacedNode>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      PlacedNode at = laidOut.nodes().get(i);
      placed.add(new PlacedNode(nodes.get(i), at.x(), at.y(), at.width(), at.height()));
    }
    String svg =
        GraphSvg.render(
            new LaidOutGraph(laidOut.width(), laidOut.height(), placed, laidOut.edges()));
    return new DrawnGraph(svg, null, structure.drawnSteps(), structure.groupOf());
  }

  private DrawnGraph withoutDrawing(Graph collapsed, int stepCount) {
    var drawn = new HashSet<String>();
    var groupOf = new HashMap<String, String>();
    for (GraphNode node : collapsed.nodes()) {
      if (node.isGroup()) {
        node.members().forEach(member -> groupOf.put(member, node.id()));
      } else {
        drawn.add(node.id());
      }
    }
    if (stepCount == 0) {
      return DrawnGraph.none("This run has no steps.");
    }
    if (!GraphLayout.fits(collapsed.nodes().size())) {
      return DrawnGraph.none(
          "This run's graph has %s boxes even with its fan-outs grouped, more than the %s drawn:"
                  .formatted(
                      Formats.count(collapsed.nodes().size()),
                      Formats.count(GraphLayout.MAX_LAID_OUT_NODES))
              + " its steps are in the table below.");
    }
    return new DrawnGraph(null, null, Set.copyOf(drawn), Map.copyOf(groupOf));
  }

  private Graph collapse(
      PipelineVersion run, List<StepProgress> steps, RunQuery query, Instant now) {
    Map<String, List<String>> graph = dependencies(run.id());
    var idByName = HashMap.<String, String>newHashMap(steps.size());
    steps.forEach(step -> idByName.put(step.stepName(), step.id()));
    var nodes = new ArrayList<GraphNode>(steps.size());
    var edges = new ArrayList<GraphEdge>();
    for (StepProgress step : steps) {
      nodes.add(
          new GraphNode(
              step.id(),
              step.stepName(),
              StepText.subtitle(step, now),
              StepText.status(step),
              null));
      for (String upstream : graph.getOrDefault(step.stepName(), List.of())) {
        String from = idByName.get(upstream);
        if (from != null) {
          edges.add(new GraphEdge(from, step.id()));
        }
      }
    }
    return FanOutGroups.collapse(new Graph(nodes, edges), query.expanded());
  }

  /** The layout of the collapsed graph, with room in every box for any subtitle it may get. */
  private LaidOutGraph layout(Layout key, Graph collapsed) {
    synchronized (layouts) {
      var cached = layouts.get(key);
      if (cached != null && cached.nodes().size() == collapsed.nodes().size()) {
        return cached;
      }
    }
    var roomy = new ArrayList<GraphNode>(collapsed.nodes().size());
    for (GraphNode node : collapsed.nodes()) {
      String room = node.isGroup() ? GROUP_SUBTITLE_ROOM : STEP_SUBTITLE_ROOM;
      roomy.add(new GraphNode(node.id(), node.label(), room, node.status(), null, node.members()));
    }
    // Laid out outside the lock: two first looks lay one run out twice, harmlessly.
    LaidOutGraph laidOut = GraphLayout.layout(new Graph(roomy, collapsed.edges()));
    synchronized (layouts) {
      layouts.put(key, laidOut);
    }
    return laidOut;
  }

  /** The run's steps' dependencies by step name, read once per run. */
  private Map<String, List<String>> dependencies(String versionId) {
    synchronized (dependencies) {
      var cached = dependencies.get(versionId);
      if (cached != null) {
        return cached;
      }
    }
    var read = overview.stepDependencies(versionId);
    synchronized (dependencies) {
      dependencies.put(versionId, read);
    }
    return read;
  }
}
