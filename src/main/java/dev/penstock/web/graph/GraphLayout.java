package dev.penstock.web.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.math.ElkPadding;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * Places a {@link Graph} left to right with the Eclipse Layout Kernel's layered algorithm, edges
 * routed orthogonally (fan-outs read as a bus of right angles rather than a fan of diagonals). Node
 * boxes are {@value #NODE_HEIGHT} px high and as wide as their label and subtitle are estimated to
 * draw. The same graph always gets the same layout.
 *
 * <p>Layered layout grows faster than linearly with nodes and long edges, so callers check {@link
 * #fits} first and show a paged table above {@link #MAX_LAID_OUT_NODES}. Measured with {@code
 * GraphLayoutBench} (test sources; shapes described there) on the 2-core build VM while other
 * builds ran on it (load average 4 to 6), 5 rounds after a warm-up: median layout ms, and the
 * slowest layout plus SVG. Rendering SVG takes 2 to 20 ms at every size.
 *
 * <pre>
 * nodes   chain        random, 3 of the 30 before   random, 3 of all before   fan-out
 *   100    67 / 111     62 / 161                    126 /  346                 34 /   43
 *   500    46 /  81    311 / 435                    131 /  175                 59 /   92
 * 1,000    40 /  58    394 / 576                    485 /  588                168 /  180
 * 1,500    38 /  59    456 / 495                  1,028 / 1,553               683 /  812
 * 2,000    47 /  85    694 / 871                  1,526 / 2,516             1,492 / 2,264
 * </pre>
 *
 * Hence the cap of 1,000: the worst shape stays near half a second even on a busy machine, with
 * room for two requests at once; at 1,500 it already passes a second. The 10,000-step benchmark
 * fan-out collapses ({@link FanOutGroups}) to 3 nodes in 7 ms (230 ms on the first, cold call) and
 * lays out and renders in 2 ms more.
 *
 * <p>Thread-safe: each call builds its own ELK graph; the one shared piece, ELK's registry of
 * algorithms, is filled once when this class initialises.
 */
public final class GraphLayout {
  /** Most nodes (after {@link FanOutGroups}) one layout may have: see the timings above. */
  public static final int MAX_LAID_OUT_NODES = 1_000;

  static final double NODE_HEIGHT = 40;
  static final double PADDING_X = 12;
  private static final double MIN_NODE_WIDTH = 64;

  static {
    // LayoutMetaDataService.getInstance() also finds ELK's providers through ServiceLoader, but
    // that depends on the service files surviving shading and on the class loader; registering by
    // hand, once, in class initialisation, does not. Registration mutates unsynchronised maps, so
    // it must never run while another thread lays out: hence here and nowhere else.
    LayoutMetaDataService.getInstance()
        .registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
  }

  private GraphLayout() {}

  /** Whether a graph of {@code nodeCount} nodes may be laid out (at most the cap). */
  public static boolean fits(int nodeCount) {
    return nodeCount <= MAX_LAID_OUT_NODES;
  }

  /**
   * Lays the graph out.
   *
   * @throws IllegalArgumentException when the graph has more than {@link #MAX_LAID_OUT_NODES} nodes
   */
  public static LaidOutGraph layout(Graph graph) {
    if (!fits(graph.nodes().size())) {
      throw new IllegalArgumentException(
          graph.nodes().size() + " nodes are more than the " + MAX_LAID_OUT_NODES + " laid out");
    }
    ElkNode root = ElkGraphUtil.createGraph();
    configure(root);
    Map<String, ElkNode> elkNodes = HashMap.newHashMap(graph.nodes().size());
    for (GraphNode node : graph.nodes()) {
      ElkNode elkNode = ElkGraphUtil.createNode(root);
      elkNode.setDimensions(nodeWidth(node), NODE_HEIGHT);
      elkNodes.put(node.id(), elkNode);
    }
    List<ElkEdge> elkEdges = new ArrayList<>(graph.edges().size());
    for (GraphEdge edge : graph.edges()) {
      elkEdges.add(
          ElkGraphUtil.createSimpleEdge(elkNodes.get(edge.from()), elkNodes.get(edge.to())));
    }

    new RecursiveGraphLayoutEngine().layout(root, new BasicProgressMonitor());

    var placed = new ArrayList<PlacedNode>(graph.nodes().size());
    for (GraphNode node : graph.nodes()) {
      ElkNode elkNode = elkNodes.get(node.id());
      placed.add(
          new PlacedNode(
              node, elkNode.getX(), elkNode.getY(), elkNode.getWidth(), elkNode.getHeight()));
    }
    var routed = new ArrayList<RoutedEdge>(graph.edges().size());
    for (int i = 0; i < elkEdges.size(); i++) {
      GraphEdge edge = graph.edges().get(i);
      routed.add(new RoutedEdge(edge.from(), edge.to(), route(elkEdges.get(i))));
    }
    return new LaidOutGraph(root.getWidth(), root.getHeight(), placed, routed);
  }

  private static void configure(ElkNode root) {
    root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
    root.setProperty(CoreOptions.DIRECTION, Direction.RIGHT);
    root.setProperty(CoreOptions.EDGE_ROUTING, EdgeRouting.ORTHOGONAL);
    root.setProperty(CoreOptions.PADDING, new ElkPadding(16));
    root.setProperty(CoreOptions.SPACING_NODE_NODE, 16.0);
    root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 40.0);
    // ELK's default seed is fixed too; pinned here because stable output is a promise of ours.
    root.setProperty(LayeredOptions.RANDOM_SEED, 1);
  }

  static double nodeWidth(GraphNode node) {
    double label =
        TextMetrics.width(TextMetrics.displayLabel(node.label()), TextMetrics.LABEL_FONT_PX);
    double subtitle =
        TextMetrics.width(
            TextMetrics.displaySubtitle(node.subtitle()), TextMetrics.SUBTITLE_FONT_PX);
    return Math.max(MIN_NODE_WIDTH, Math.ceil(Math.max(label, subtitle) + 2 * PADDING_X));
  }

  /** Start, bend points and end of the edge's one section (edges between siblings have one). */
  private static List<Point> route(ElkEdge edge) {
    ElkEdgeSection section = edge.getSections().getFirst();
    var points = new ArrayList<Point>(section.getBendPoints().size() + 2);
    points.add(new Point(section.getStartX(), section.getStartY()));
    for (ElkBendPoint bend : section.getBendPoints()) {
      points.add(new Point(bend.getX(), bend.getY()));
    }
    points.add(new Point(section.getEndX(), section.getEndY()));
    return points;
  }
}
