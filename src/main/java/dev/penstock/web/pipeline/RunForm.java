package dev.penstock.web.pipeline;

import dev.penstock.model.InputMapping;
import dev.penstock.model.Pipeline;
import dev.penstock.model.VariableType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The run form of a pipeline page: one typed field per pipeline variable, prefilled with its
 * default, or as sent back with what is wrong with each field. Immutable.
 *
 * @param variables the run's variables when every field parsed, else null
 * @param problem what kept a valid form from starting a run, or null
 */
public record RunForm(List<RunFormField> fields, List<InputMapping> variables, String problem) {
  static final String PARAM_PREFIX = "var.";

  /** The form as first shown: every field holds the variable's default. */
  static RunForm prefilled(Pipeline pipeline) {
    var fields = new ArrayList<RunFormField>();
    for (InputMapping variable : pipeline.variables()) {
      String text = RunFormValues.text(variable.value());
      fields.add(field(variable, text, null));
    }
    return new RunForm(fields, null, null);
  }

  /**
   * The form as posted: each field's text read as its variable's type. {@link #valid()} when every
   * field parsed, and then {@link #variables()} are the run's variables; a variable whose field is
   * missing from the post keeps its default.
   */
  static RunForm submitted(Pipeline pipeline, Function<String, String> formParam) {
    var fields = new ArrayList<RunFormField>();
    var variables = new ArrayList<InputMapping>();
    boolean valid = true;
    for (InputMapping variable : pipeline.variables()) {
      String sent = formParam.apply(PARAM_PREFIX + variable.name());
      if (sent == null) {
        fields.add(field(variable, RunFormValues.text(variable.value()), null));
        variables.add(variable);
        continue;
      }
      var type = variable.variableType() == null ? VariableType.STRING : variable.variableType();
      var parsed = RunFormValues.parse(type, sent, variable.isRequired());
      fields.add(field(variable, sent, parsed.error()));
      valid &= !parsed.failed();
      variables.add(variable.withValue(parsed.value()));
    }
    return new RunForm(fields, valid ? List.copyOf(variables) : null, null);
  }

  /** Whether a submitted form may start a run; a prefilled one has not been checked. */
  public boolean valid() {
    return variables != null;
  }

  RunForm withProblem(String message) {
    return new RunForm(fields, variables, message);
  }

  public boolean hasErrors() {
    return fields.stream().anyMatch(field -> field.error() != null);
  }

  private static RunFormField field(InputMapping variable, String text, String error) {
    return new RunFormField(
        variable.name(),
        variable.variableType() == null ? VariableType.STRING : variable.variableType(),
        variable.isRequired(),
        variable.description(),
        RunFormValues.text(variable.value()),
        text,
        error);
  }
}
