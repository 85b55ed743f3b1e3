package dev.penstock.web.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class GraphSvgTest {
  private static final String HOSTILE = "<script>&\"'";

  @Test
  void a_hostile_step_name_is_escaped_everywhere_it_appears() throws Exception {
    var node = new GraphNode(HOSTILE, HOSTILE, HOSTILE, "failed", "/steps?name=" + HOSTILE);

    String svg = render(List.of(node), List.of());

    assertThat(svg).doesNotContain("<script").contains("&lt;script&gt;&amp;&quot;&#39;");
    Document document = parse(svg);
    Element group = nodeGroup(document, HOSTILE);
    assertThat(text(group, "label")).isEqualTo(HOSTILE);
    assertThat(text(group, "sub")).isEqualTo(HOSTILE);
    assertThat(((Element) group.getParentNode()).getAttribute("href"))
        .isEqualTo("/steps?name=" + HOSTILE);
  }

  @Test
  void characters_xml_forbids_are_dropped_and_astral_ones_kept() throws Exception {
    var node = new GraphNode("a\u0000b", "x\u0000y\uD800z\u0007 🚀\uFFFF", "\u001b1 s", null, null);

    Document document = parse(render(List.of(node), List.of()));

    Element group = nodeGroup(document, "ab");
    assertThat(text(group, "label")).isEqualTo("xyz 🚀");
    assertThat(text(group, "sub")).isEqualTo("1 s");
  }

  @Test
  void a_long_label_is_cut_with_an_ellipsis_and_kept_whole_in_the_title() throws Exception {
    String longName = "🚀".repeat(10) + "_transform_customer_transactions_by_region";
    var node = new GraphNode("long", longName, "3.4 s", "complete", null);

    Element group = nodeGroup(parse(render(List.of(node), List.of())), "long");

    String label = text(group, "label");
    assertThat(label).endsWith("…").startsWith("🚀".repeat(10));
    assertThat(label.codePointCount(0, label.length()))
        .isEqualTo(TextMetrics.MAX_LABEL_CODE_POINTS);
    assertThat(group.getElementsByTagName("title").item(0).getTextContent())
        .isEqualTo(longName + ", 3.4 s");
  }

  @Test
  void nodes_carry_their_status_class_and_groups_their_member_count() throws Exception {
    Graph collapsed = FanOutGroups.collapse(TestGraphs.fanOut(12), Set.of());
    GraphNode odd = new GraphNode("odd", "odd", null, "Very Odd\"", null);
    var nodes = new ArrayList<>(collapsed.nodes());
    nodes.add(odd);

    Document document = parse(render(nodes, collapsed.edges()));

    Element group = nodeGroup(document, "group:square_0");
    assertThat(group.getAttribute("class")).isEqualTo("node group status-running");
    assertThat(group.getAttribute("data-group")).isEqualTo("true");
    assertThat(group.getAttribute("data-members")).isEqualTo("12");
    Element root = nodeGroup(document, "root");
    assertThat(root.getAttribute("class")).isEqualTo("node status-complete");
    assertThat(root.hasAttribute("data-group")).isFalse();
    assertThat(root.getParentNode().getNodeName()).isEqualTo("g");
    assertThat(nodeGroup(document, "odd").getAttribute("class")).isEqualTo("node status-very-odd-");
  }

  @Test
  void a_pipeline_node_without_status_has_only_the_node_class() throws Exception {
    var node = new GraphNode("a", "a", null, null, "/pipelines/p/steps/a");

    Element group = nodeGroup(parse(render(List.of(node), List.of())), "a");

    assertThat(group.getAttribute("class")).isEqualTo("node");
    assertThat(group.getElementsByTagName("text").getLength()).isEqualTo(1);
  }

  @Test
  void every_edge_is_a_path_with_an_arrow_and_nothing_is_styled_inline() throws Exception {
    Graph graph = TestGraphs.randomDag(30, 10);
    Document document = parse(GraphSvg.render(GraphLayout.layout(graph)));

    Element svg = document.getDocumentElement();
    assertThat(svg.getAttribute("class")).isEqualTo("dag");
    assertThat(svg.getAttribute("viewBox")).matches("0 0 [0-9.]+ [0-9.]+");
    NodeList paths = document.getElementsByTagName("path");
    int edges = 0;
    for (int i = 0; i < paths.getLength(); i++) {
      Element path = (Element) paths.item(i);
      if (path.getAttribute("class").equals("edge")) {
        edges++;
        assertThat(path.getAttribute("marker-end")).isEqualTo("url(#dag-arrow)");
        assertThat(path.getAttribute("d")).matches("M[0-9.]+,[0-9.]+( L[0-9.]+,[0-9.]+)+");
      }
    }
    assertThat(edges).isEqualTo(graph.edges().size());
    assertThat(document.getElementsByTagName("style").getLength()).isZero();
    NodeList all = document.getElementsByTagName("*");
    for (int i = 0; i < all.getLength(); i++) {
      assertThat(((Element) all.item(i)).hasAttribute("style")).isFalse();
    }
  }

  @Test
  void the_same_graph_renders_to_the_same_bytes() {
    Graph graph = TestGraphs.randomDag(60, 15);

    assertThat(GraphSvg.render(GraphLayout.layout(graph)))
        .isEqualTo(GraphSvg.render(GraphLayout.layout(graph)));
  }

  @Test
  void coordinates_are_written_to_a_tenth_without_exponents() {
    assertThat(GraphSvg.number(0)).isEqualTo("0");
    assertThat(GraphSvg.number(12.04)).isEqualTo("12");
    assertThat(GraphSvg.number(12.25)).isEqualTo("12.3");
    assertThat(GraphSvg.number(12_345_678.9)).isEqualTo("12345678.9");
  }

  private static String render(List<GraphNode> nodes, List<GraphEdge> edges) {
    return GraphSvg.render(GraphLayout.layout(new Graph(nodes, edges)));
  }

  private static Document parse(String svg) throws Exception {
    var factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  private static Element nodeGroup(Document document, String id) {
    NodeList groups = document.getElementsByTagName("g");
    for (int i = 0; i < groups.getLength(); i++) {
      Element group = (Element) groups.item(i);
      if (group.getAttribute("class").startsWith("node")
          && group.getAttribute("data-id").equals(id)) {
        return group;
      }
    }
    throw new AssertionError("no node " + id);
  }

  private static String text(Element group, String textClass) {
    NodeList texts = group.getElementsByTagName("text");
    for (int i = 0; i < texts.getLength(); i++) {
      Element text = (Element) texts.item(i);
      if (text.getAttribute("class").equals(textClass)) {
        return text.getTextContent();
      }
    }
    throw new AssertionError("no text." + textClass);
  }
}
