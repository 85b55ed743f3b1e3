package dev.penstock.web.pipeline;

import static dev.penstock.web.pipeline.PipelineSteps.step;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.PipelineStep;
import dev.penstock.web.graph.GraphLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PipelineGraphTest {
  private static PipelineLinks links(String... expanded) {
    return new PipelineLinks("p1", null, List.of(expanded), 1, 1);
  }

  private static List<String> all(String svg, String regex) {
    var found = new ArrayList<String>();
    var matcher = Pattern.compile(regex).matcher(svg);
    while (matcher.find()) {
      found.add(matcher.group(1));
    }
    return found;
  }

  /** split, then shard_0..shard_{width-1} after it, then merge after all of them. */
  private static List<PipelineStep> fanOut(int width) {
    var steps = new ArrayList<PipelineStep>();
    steps.add(step("split"));
    var shards = new ArrayList<String>();
    for (int i = 0; i < width; i++) {
      steps.add(step("shard_" + i, "split"));
      shards.add("shard_" + i);
    }
    steps.add(step("merge", shards.toArray(String[]::new)));
    return steps;
  }

  @Test
  void each_step_is_a_node_named_by_its_step_linking_to_its_panel_with_an_arrow_per_dependency() {
    var steps = List.of(step("load"), step("clean", "load", "gone"), step("report", "clean"));

    String svg = PipelineGraph.draw(steps, links());

    assertThat(all(svg, "data-id=\"([^\"]+)\"")).containsExactly("load", "clean", "report");
    assertThat(all(svg, "data-from=\"([^\"]+)\" data-to=\"[^\"]+\""))
        .containsExactly("load", "clean");
    assertThat(svg).contains("href=\"/pipelines/p1?step=clean\"");
  }

  @Test
  void a_wide_fan_out_is_one_node_that_links_to_the_page_with_it_drawn_step_by_step() {
    String collapsed = PipelineGraph.draw(fanOut(12), links());

    assertThat(all(collapsed, "data-id=\"([^\"]+)\""))
        .containsExactly("split", "group:shard_0", "merge");
    assertThat(collapsed).contains("href=\"/pipelines/p1?expand=group%3Ashard_0\"");

    String expanded = PipelineGraph.draw(fanOut(12), links("group:shard_0"));

    assertThat(all(expanded, "data-id=\"([^\"]+)\"")).hasSize(14).contains("shard_11");
  }

  @Test
  void steps_too_many_to_draw_even_collapsed_give_no_drawing() {
    var chain = new ArrayList<PipelineStep>();
    chain.add(step("link_0"));
    for (int i = 1; i <= GraphLayout.MAX_LAID_OUT_NODES; i++) {
      chain.add(step("link_" + i, "link_" + (i - 1)));
    }

    assertThat(PipelineGraph.draw(chain, links())).isNull();
    assertThat(PipelineGraph.draw(fanOut(GraphLayout.MAX_LAID_OUT_NODES + 10), links()))
        .isNotNull();
    assertThat(PipelineGraph.draw(List.of(), links())).isNull();
  }
}
