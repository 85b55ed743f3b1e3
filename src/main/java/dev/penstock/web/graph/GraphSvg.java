package dev.penstock.web.graph;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link LaidOutGraph} as SVG markup to embed in an HTML page. Styling is left to the
 * page's stylesheet: the markup carries classes only, no {@code style} attributes. Every piece of
 * user text is XML-escaped and stripped of characters XML 1.0 forbids. Output depends only on the
 * input, byte for byte. Stateless and thread-safe.
 *
 * <p>Structure, with the classes a stylesheet targets:
 *
 * <pre>{@code
 * <svg class="dag" viewBox="0 0 W H" width="W" height="H">
 *   <defs><marker id="dag-arrow"><path class="arrow"/></marker></defs>
 *   <g class="edges"><path class="edge" data-from="a" data-to="b" d="M.. L.."/>…</g>
 *   <g class="nodes">
 *     <a href="…">                                  (only when the node has an href)
 *       <g class="node [group] [status-running]" data-id="a" [data-group="true" data-members="9998"]>
 *         <title>full label, subtitle</title><rect rx="6"/>
 *         <text class="label">label…</text><text class="sub">1.2 s</text>
 * }</pre>
 *
 * <p>Unstyled SVG fills shapes black, so the page must style at least this much:
 *
 * <pre>{@code
 * .dag .edge { fill: none; stroke: #888; }   .dag .arrow { fill: #888; }
 * .dag .node rect { fill: #fff; stroke: #999; }   .dag .node .sub { font-size: 11px; fill: #666; }
 * .dag .node text { font: 13px sans-serif; }   .dag .status-failed rect { fill: #fdd; } …
 * }</pre>
 *
 * Text widths were estimated for 13 px and 11 px sans-serif ({@link GraphLayout}); larger fonts
 * overflow their boxes. Status classes: {@code status-} followed by the node's status with anything
 * but {@code [a-z0-9_-]} replaced by {@code -}.
 */
public final class GraphSvg {
  static final String ARROW_ID = "dag-arrow";
  private static final double CORNER_RADIUS = 6;

  private GraphSvg() {}

  /** The drawing as one string. */
  public static String render(LaidOutGraph graph) {
    var svg = new StringBuilder(256 + 400 * graph.nodes().size() + 120 * graph.edges().size());
    render(graph, svg);
    return svg.toString();
  }

  /**
   * Appends the drawing to {@code out}.
   *
   * @throws UncheckedIOException when {@code out} throws
   */
  public static void render(LaidOutGraph graph, Appendable out) {
    try {
      out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"dag\" viewBox=\"0 0 ")
          .append(number(graph.width()))
          .append(' ')
          .append(number(graph.height()))
          .append("\" width=\"")
          .append(number(graph.width()))
          .append("\" height=\"")
          .append(number(graph.height()))
          .append("\">\n<defs><marker id=\"" + ARROW_ID + "\" viewBox=\"0 0 10 10\" refX=\"10\"")
          .append(" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">")
          .append("<path class=\"arrow\" d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>\n");
      out.append("<g class=\"edges\">\n");
      for (RoutedEdge edge : graph.edges()) {
        edge(edge, out);
      }
      out.append("</g>\n<g class=\"nodes\">\n");
      for (PlacedNode node : graph.nodes()) {
        node(node, out);
      }
      out.append("</g>\n</svg>\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void edge(RoutedEdge edge, Appendable out) throws IOException {
    out.append("<path class=\"edge\" data-from=\"")
        .append(XmlText.escape(edge.from()))
        .append("\" data-to=\"")
        .append(XmlText.escape(edge.to()))
        .append("\" d=\"");
    List<Point> points = edge.points();
    for (int i = 0; i < points.size(); i++) {
      out.append(i == 0 ? "M" : " L")
          .append(number(points.get(i).x()))
          .append(',')
          .append(number(points.get(i).y()));
    }
    out.append("\" marker-end=\"url(#" + ARROW_ID + ")\"/>\n");
  }

  private static void node(PlacedNode placed, Appendable out) throws IOException {
    GraphNode node = placed.node();
    if (node.href() != null) {
      out.append("<a href=\"").append(XmlText.escape(node.href())).append("\">");
    }
    out.append("<g class=\"").append(classes(node)).append("\" data-id=\"");
    out.append(XmlText.escape(node.id())).append('"');
    if (node.isGroup()) {
      out.append(" data-group=\"true\" data-members=\"")
          .append(Integer.toString(node.members().size()))
          .append('"');
    }
    String title = node.subtitle() == null ? node.label() : node.label() + ", " + node.subtitle();
    out.append("><title>").append(XmlText.escape(title)).append("</title>");
    out.append("<rect x=\"").append(number(placed.x()));
    out.append("\" y=\"").append(number(placed.y()));
    out.append("\" width=\"").append(number(placed.width()));
    out.append("\" height=\"").append(number(placed.height()));
    out.append("\" rx=\"").append(number(CORNER_RADIUS)).append("\"/>");

    String textX = number(placed.x() + GraphLayout.PADDING_X);
    String subtitle = TextMetrics.displaySubtitle(node.subtitle());
    // Baselines: one line sits at the box's middle, two lines share it.
    double labelBaseline = subtitle.isEmpty() ? placed.height() / 2 + 4.5 : placed.height() / 2 - 3;
    out.append("<text class=\"label\" x=\"").append(textX);
    out.append("\" y=\"").append(number(placed.y() + labelBaseline)).append("\">");
    out.append(XmlText.escape(TextMetrics.displayLabel(node.label()))).append("</text>");
    if (!subtitle.isEmpty()) {
      out.append("<text class=\"sub\" x=\"").append(textX);
      out.append("\" y=\"").append(number(placed.y() + placed.height() / 2 + 12)).append("\">");
      out.append(XmlText.escape(subtitle)).append("</text>");
    }
    out.append("</g>");
    if (node.href() != null) {
      out.append("</a>");
    }
    out.append('\n');
  }

  /** "node", " group" for groups, and " status-x" when there is a status. */
  static String classes(GraphNode node) {
    var classes = new StringBuilder("node");
    if (node.isGroup()) {
      classes.append(" group");
    }
    if (node.status() != null && !node.status().isBlank()) {
      // A status is one class token: a space in it must not smuggle in a second class.
      String token = node.status().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "-");
      classes.append(" status-").append(token);
    }
    return classes.toString();
  }

  /**
   * Coordinates to a tenth of a pixel, never in exponent form, so equal input gives equal bytes.
   */
  static String number(double value) {
    return BigDecimal.valueOf(Math.round(value * 10), 1).stripTrailingZeros().toPlainString();
  }
}
