package dev.penstock.web.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.penstock.model.InputMapping;
import dev.penstock.model.Pipeline;
import dev.penstock.model.VariableType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunFormTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private static InputMapping variable(String name, VariableType type, Object value) {
    var node =
        value == null
            ? null
            : value instanceof Integer number
                ? IntNode.valueOf(number)
                : TextNode.valueOf((String) value);
    return new InputMapping(name, type, true, node, null, "about " + name, null, null);
  }

  private static final Pipeline PIPELINE =
      new Pipeline(
          "p1",
          "report",
          null,
          null,
          false,
          List.of(
              variable("limit", VariableType.INTEGER, 100),
              variable("region", VariableType.STRING, "emea")),
          NOW,
          NOW);

  @Test
  void the_first_form_shows_each_variables_default_and_type() {
    var form = RunForm.prefilled(PIPELINE);

    assertThat(form.fields())
        .extracting(RunFormField::name, RunFormField::control, RunFormField::text)
        .containsExactly(tuple("limit", "integer", "100"), tuple("region", "text", "emea"));
    assertThat(form.hasErrors()).isFalse();
  }

  @Test
  void a_posted_form_gives_typed_variables_and_keeps_a_missing_fields_default() {
    var form = RunForm.submitted(PIPELINE, Map.of("var.limit", " 7 ")::get);

    assertThat(form.valid()).isTrue();
    assertThat(form.variables())
        .extracting(InputMapping::name, InputMapping::value)
        .containsExactly(
            tuple("limit", IntNode.valueOf(7)), tuple("region", TextNode.valueOf("emea")));
    assertThat(form.variables().get(0).variableType()).isEqualTo(VariableType.INTEGER);
  }

  @Test
  void a_wrong_value_is_kept_as_typed_with_its_error_and_gives_no_variables() {
    var form = RunForm.submitted(PIPELINE, Map.of("var.limit", "lots", "var.region", "apac")::get);

    assertThat(form.valid()).isFalse();
    assertThat(form.variables()).isNull();
    assertThat(form.fields().get(0).text()).isEqualTo("lots");
    assertThat(form.fields().get(0).error()).contains("whole number");
    assertThat(form.fields().get(1).text()).isEqualTo("apac");
    assertThat(form.fields().get(1).error()).isNull();
  }
}
