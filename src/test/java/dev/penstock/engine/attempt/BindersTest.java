package dev.penstock.engine.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.engine.run.TestStepVersions;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.model.VariableType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BindersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final InputBinder inputs = new InputBinder();
  private final OutputBinder outputs = new OutputBinder();

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static InputMapping input(
      String name, VariableType type, String value, String variable, boolean required) {
    return new InputMapping(
        name, type, required, value == null ? null : json(value), variable, null, null, null);
  }

  private static StepVersion stepWith(InputMapping... mappings) {
    return TestStepVersions.stepVersion("step", List.of(mappings), StepStatus.PENDING, null, null);
  }

  @Test
  void a_pipeline_variable_wins_over_the_literal_value_and_is_converted_by_type() {
    var binding =
        inputs.bind(
            stepWith(input("x", VariableType.INTEGER, "1", "n", true)),
            Map.of("n", json("\"42\"")));
    assertThat(binding.failed()).isFalse();
    assertThat(binding.kwargs()).containsEntry("x", json("42"));
    assertThat(binding.bound().get(0).value()).isEqualTo(json("42"));
  }

  @Test
  void a_literal_value_is_used_when_the_variable_is_not_in_scope() {
    var binding = inputs.bind(stepWith(input("x", VariableType.FLOAT, "2", "n", true)), Map.of());
    assertThat(binding.kwargs().get("x").isDouble()).isTrue();
    assertThat(binding.kwargs().get("x").asDouble()).isEqualTo(2.0);
  }

  @Test
  void a_required_input_without_a_value_fails_naming_the_argument_and_the_variable() {
    var binding =
        inputs.bind(stepWith(input("x", VariableType.INTEGER, null, "n", true)), Map.of());
    assertThat(binding.error())
        .isEqualTo(
            "missing required argument 'x': pipeline variable 'n' has no value and no default value is given");
  }

  @Test
  void an_optional_input_without_a_value_is_left_out_so_the_python_default_applies() {
    var binding =
        inputs.bind(stepWith(input("x", VariableType.INTEGER, null, "n", false)), Map.of());
    assertThat(binding.failed()).isFalse();
    assertThat(binding.kwargs()).doesNotContainKey("x");
  }

  @Test
  void a_value_that_does_not_convert_fails_naming_the_argument() {
    var binding =
        inputs.bind(
            stepWith(input("count", VariableType.INTEGER, "\"abc\"", null, true)), Map.of());
    assertThat(binding.error())
        .isEqualTo("argument 'count' of type INTEGER: cannot convert str value \"abc\"");
  }

  @Test
  void conversions_follow_the_contract() {
    assertThat(Values.convert(json("\"true\""), VariableType.BOOLEAN)).contains(json("true"));
    assertThat(Values.convert(json("3.5"), VariableType.INTEGER)).isEmpty();
    assertThat(Values.convert(json("3.0"), VariableType.INTEGER)).contains(json("3"));
    assertThat(Values.convert(json("\"[1,2]\""), VariableType.LIST)).contains(json("[1,2]"));
    assertThat(Values.convert(json("{\"a\":1}"), VariableType.LIST)).isEmpty();
    assertThat(Values.convert(json("{\"a\":1}"), VariableType.JSON)).contains(json("{\"a\":1}"));
    assertThat(Values.convert(json("7"), VariableType.DATASET_ID)).contains(json("\"7\""));
    assertThat(Values.convert(json("\"x\""), VariableType.FEATURE_GROUP)).contains(json("\"x\""));
  }

  private static OutputMapping out(String name, VariableType type) {
    return new OutputMapping(name, type, null, null, null);
  }

  @Test
  void one_declared_output_takes_a_bare_value() {
    var result = outputs.bind(List.of(out("y", VariableType.INTEGER)), json("4"));
    assertThat(result.values().get(0).value()).isEqualTo(json("4"));
  }

  @Test
  void one_declared_output_reads_a_dict_keyed_by_its_name_as_keyed() {
    var result = outputs.bind(List.of(out("y", VariableType.INTEGER)), json("{\"y\":4}"));
    assertThat(result.values().get(0).value()).isEqualTo(json("4"));
  }

  @Test
  void one_declared_json_output_takes_any_other_dict_whole() {
    var result = outputs.bind(List.of(out("y", VariableType.JSON)), json("{\"z\":4}"));
    assertThat(result.values().get(0).value()).isEqualTo(json("{\"z\":4}"));
  }

  @Test
  void one_declared_output_missing_from_a_returned_dict_is_named_as_missing() {
    var declared = List.of(out("y", VariableType.INTEGER));
    assertThat(outputs.bind(declared, json("{\"nope\":1}")).errors())
        .isEqualTo("output 'y' is missing: the function returned a dict with keys nope");
    assertThat(outputs.bind(declared, json("{}")).errors())
        .isEqualTo("output 'y' is missing: the function returned an empty dict");
    assertThat(outputs.bind(declared, json("{\"y\":1,\"z\":2}")).errors())
        .isEqualTo("output 'y' should be INTEGER but the function returned dict");
  }

  @Test
  void several_outputs_need_a_dict_with_each_name() {
    var declared = List.of(out("a", VariableType.INTEGER), out("b", VariableType.STRING));
    assertThat(outputs.bind(declared, json("{\"a\":1,\"b\":\"x\"}")).failed()).isFalse();
    assertThat(outputs.bind(declared, json("{\"a\":1}")).errors())
        .isEqualTo("output 'b' is missing: the function returned a dict with keys a");
    assertThat(outputs.bind(declared, json("3")).errors())
        .isEqualTo(
            "the function returned int, but 2 outputs are declared: return a dict with keys a, b");
  }

  @Test
  void an_output_of_the_wrong_type_is_an_output_error() {
    var result = outputs.bind(List.of(out("y", VariableType.INTEGER)), json("\"four\""));
    assertThat(result.errors())
        .isEqualTo("output 'y' should be INTEGER but the function returned str");
    assertThat(outputs.bind(List.of(out("y", VariableType.ANY)), json("null")).failed()).isFalse();
    assertThat(outputs.bind(List.of(out("y", VariableType.BOOLEAN)), json("1")).failed()).isTrue();
  }

  @Test
  void no_declared_outputs_ignore_the_return_value() {
    assertThat(outputs.bind(List.of(), json("[1,2,3]")).values()).isEmpty();
  }
}
