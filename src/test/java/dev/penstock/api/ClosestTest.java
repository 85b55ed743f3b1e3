package dev.penstock.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClosestTest {
  private static final List<String> KEYS =
      List.of("pipelineId", "pipelineVariableMappings", "variableType", "variable_type");

  @Test
  void a_typo_finds_the_name_it_was_meant_to_be() {
    assertThat(Closest.to("pipelineVariableMapings", KEYS)).contains("pipelineVariableMappings");
    assertThat(Closest.to("pipelineid", KEYS)).contains("pipelineId");
    assertThat(Closest.to("pipeline_id", KEYS)).contains("pipelineId");
  }

  @Test
  void between_casings_the_one_spelt_as_typed_wins() {
    assertThat(Closest.to("variabletype", KEYS)).contains("variableType");
    assertThat(Closest.to("variable_typ", KEYS)).contains("variable_type");
  }

  @Test
  void a_word_far_from_every_name_finds_none() {
    assertThat(Closest.to("colour", KEYS)).isEmpty();
    assertThat(Closest.to("x", List.of())).isEmpty();
  }

  @Test
  void distance_counts_edits() {
    assertThat(Closest.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(Closest.distance("", "abc")).isEqualTo(3);
  }
}
