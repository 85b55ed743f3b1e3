package dev.penstock.web.graph;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Prints how long layout and SVG rendering take at several sizes, to choose and justify {@link
 * GraphLayout#MAX_LAID_OUT_NODES}. Not a test: run it by hand, on a quiet machine, with
 *
 * <pre>
 * mvn -B -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     dev.penstock.web.graph.GraphLayoutBench [rounds]
 * </pre>
 *
 * Shapes: a chain; a random DAG whose nodes each wait for up to 3 of the 30 nodes before them
 * (pipelines mostly depend on recent steps); the same with the 3 picked from all earlier nodes
 * (long edges everywhere, layered layout's worst case); and the 10,000-step benchmark fan-out,
 * collapsed first. Each line gives the median and the slowest of {@code rounds} runs (default 5)
 * after one warm-up run.
 */
public final class GraphLayoutBench {
  private static final int[] SIZES = {100, 500, 1_000, 1_500, 2_000};

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    System.out.printf(
        "%-22s %6s %6s %10s %10s %10s%n",
        "shape", "nodes", "edges", "layout_ms", "svg_ms", "max_total");
    for (int size : SIZES) {
      measure("chain", TestGraphs.chain(size), rounds);
      measure("random-local(3 of 30)", TestGraphs.randomDag(size, 30), rounds);
      measure("random-any(3)", TestGraphs.randomDag(size, Integer.MAX_VALUE), rounds);
      measure("fan-out", TestGraphs.fanOut(size - 2), rounds);
    }
    measureFanOut(rounds);
  }

  private static void measure(String shape, Graph graph, int rounds) {
    timed(graph); // warm-up
    double[] layouts = new double[rounds];
    double[] renders = new double[rounds];
    double maxTotal = 0;
    for (int round = 0; round < rounds; round++) {
      double[] times = timed(graph);
      layouts[round] = times[0];
      renders[round] = times[1];
      maxTotal = Math.max(maxTotal, times[0] + times[1]);
    }
    System.out.printf(
        Locale.ROOT,
        "%-22s %6d %6d %10.1f %10.1f %10.1f%n",
        shape,
        graph.nodes().size(),
        graph.edges().size(),
        median(layouts),
        median(renders),
        maxTotal);
  }

  /** Collapse, layout and render of root → 9,998 squares → sink. */
  private static void measureFanOut(int rounds) {
    Graph wide = TestGraphs.fanOut(9_998);
    double[] collapses = new double[rounds + 1];
    double[] totals = new double[rounds + 1];
    for (int round = 0; round <= rounds; round++) {
      long start = System.nanoTime();
      Graph collapsed = FanOutGroups.collapse(wide, Set.of());
      collapses[round] = (System.nanoTime() - start) / 1e6;
      GraphSvg.render(GraphLayout.layout(collapsed));
      totals[round] = (System.nanoTime() - start) / 1e6;
    }
    System.out.printf(
        Locale.ROOT,
        "fan-out 10,000: collapse first run %.1f ms, then median %.1f ms; "
            + "collapse+layout+svg median %.1f ms%n",
        collapses[0],
        median(Arrays.copyOfRange(collapses, 1, collapses.length)),
        median(Arrays.copyOfRange(totals, 1, totals.length)));
  }

  private static double[] timed(Graph graph) {
    long start = System.nanoTime();
    LaidOutGraph laidOut = GraphLayout.layout(graph);
    long laidOutAt = System.nanoTime();
    GraphSvg.render(laidOut);
    long renderedAt = System.nanoTime();
    return new double[] {(laidOutAt - start) / 1e6, (renderedAt - laidOutAt) / 1e6};
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
