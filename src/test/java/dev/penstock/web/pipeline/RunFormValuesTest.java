package dev.penstock.web.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.penstock.model.VariableType;
import org.junit.jupiter.api.Test;

class RunFormValuesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static String value(VariableType type, String text) {
    var parsed = RunFormValues.parse(type, text, true);
    assertThat(parsed.error()).as("error for %s %s", type, text).isNull();
    return parsed.value() == null ? null : parsed.value().toString();
  }

  private static String error(VariableType type, String text) {
    var parsed = RunFormValues.parse(type, text, true);
    assertThat(parsed.value()).as("value for %s %s", type, text).isNull();
    return parsed.error();
  }

  @Test
  void integers_are_whole_numbers_whatever_their_spelling() {
    assertThat(value(VariableType.INTEGER, " 42 ")).isEqualTo("42");
    assertThat(value(VariableType.INTEGER, "-7")).isEqualTo("-7");
    assertThat(value(VariableType.INTEGER, "3.0")).isEqualTo("3");
    assertThat(value(VariableType.INTEGER, "1e3")).isEqualTo("1000");
    assertThat(value(VariableType.INTEGER, "9000000000")).isEqualTo("9000000000");
    assertThat(RunFormValues.parse(VariableType.INTEGER, "42", true).value().isIntegralNumber())
        .isTrue();
  }

  @Test
  void an_integer_field_refuses_fractions_words_and_numbers_past_a_long() {
    assertThat(error(VariableType.INTEGER, "2.5")).contains("whole number");
    assertThat(error(VariableType.INTEGER, "ten")).contains("whole number");
    assertThat(error(VariableType.INTEGER, "99999999999999999999")).contains("whole number");
  }

  @Test
  void floats_are_numbers_and_nothing_else() {
    assertThat(value(VariableType.FLOAT, "0.25")).isEqualTo("0.25");
    assertThat(value(VariableType.FLOAT, "3")).isEqualTo("3.0");
    assertThat(RunFormValues.parse(VariableType.FLOAT, "3", true).value().isDouble()).isTrue();
    assertThat(error(VariableType.FLOAT, "NaN")).contains("Expected a number");
    assertThat(error(VariableType.FLOAT, "0x10")).contains("Expected a number");
    assertThat(error(VariableType.FLOAT, "1e999")).contains("too large");
  }

  @Test
  void booleans_are_true_or_false_in_any_case() {
    assertThat(value(VariableType.BOOLEAN, "TRUE")).isEqualTo("true");
    assertThat(value(VariableType.BOOLEAN, "false")).isEqualTo("false");
    assertThat(error(VariableType.BOOLEAN, "yes")).isEqualTo("Expected true or false.");
  }

  @Test
  void json_takes_objects_and_lists_and_list_takes_only_lists() throws Exception {
    assertThat(RunFormValues.parse(VariableType.JSON, "{\"a\": [1, 2]}", true).value())
        .isEqualTo(JSON.readTree("{\"a\":[1,2]}"));
    assertThat(value(VariableType.JSON, "[1]")).isEqualTo("[1]");
    assertThat(error(VariableType.JSON, "42")).contains("object or list");
    assertThat(error(VariableType.JSON, "null")).contains("object or list");
    assertThat(error(VariableType.JSON, "{\"a\": }")).startsWith("Not valid JSON (line 1");
    assertThat(error(VariableType.JSON, "{} {}")).startsWith("Not valid JSON");
    assertThat(value(VariableType.LIST, "[\"x\"]")).isEqualTo("[\"x\"]");
    assertThat(error(VariableType.LIST, "{\"a\": 1}")).contains("JSON list");
  }

  @Test
  void an_empty_field_is_no_value_or_for_text_types_the_empty_string() {
    assertThat(RunFormValues.parse(VariableType.INTEGER, "  ", false).value()).isNull();
    assertThat(RunFormValues.parse(VariableType.INTEGER, "  ", false).failed()).isFalse();
    assertThat(error(VariableType.JSON, "")).isEqualTo("A value is required.");
    assertThat(RunFormValues.parse(VariableType.STRING, "", true).value())
        .isEqualTo(TextNode.valueOf(""));
    assertThat(RunFormValues.parse(VariableType.DATASET_ID, " ds 1 ", true).value())
        .isEqualTo(TextNode.valueOf(" ds 1 "));
  }

  @Test
  void a_stored_value_reads_back_as_the_text_that_parses_to_it() throws Exception {
    var object = JSON.readTree("{\"currency\":\"EUR\",\"round\":2}");
    String text = RunFormValues.text(object);
    assertThat(text).contains("\"currency\": \"EUR\"");
    assertThat(RunFormValues.parse(VariableType.JSON, text, true).value()).isEqualTo(object);
    assertThat(RunFormValues.text(JSON.readTree("1.5"))).isEqualTo("1.5");
    assertThat(RunFormValues.text(TextNode.valueOf("emea"))).isEqualTo("emea");
    assertThat(RunFormValues.text(null)).isEmpty();
  }
}
