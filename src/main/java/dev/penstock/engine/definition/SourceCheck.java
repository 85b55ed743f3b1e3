package dev.penstock.engine.definition;

import dev.penstock.executor.ExecutorException;
import dev.penstock.executor.PythonInspector;
import dev.penstock.model.FailedDependencyException;
import dev.penstock.model.InputMapping;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.MissingParameterException;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.VariableType;
import java.util.HashSet;
import java.util.List;

/** Rejects Python source, functions and mappings that cannot run. Thread-safe. */
public final class SourceCheck {
  private final PythonInspector inspector;

  SourceCheck(PythonInspector inspector) {
    this.inspector = inspector;
  }

  /**
   * Checks that the source parses, defines the function, and that every input names a parameter.
   */
  void check(String sourceCode, String functionName, List<InputMapping> inputs) {
    if (sourceCode == null || sourceCode.isBlank()) {
      throw new MissingParameterException("sourceCode is required");
    }
    if (functionName == null || functionName.isBlank()) {
      throw new MissingParameterException("functionName is required");
    }
    var inspection = inspect(inspector, sourceCode, functionName);
    if (!inspection.parsed()) {
      throw new InvalidParameterException(
          "sourceCode has a Python syntax error at line %d: %s"
              .formatted(inspection.syntaxErrorLine(), inspection.syntaxErrorMessage()));
    }
    if (!inspection.functionFound()) {
      throw new InvalidParameterException(
          "sourceCode does not define a top-level function named '" + functionName + "'");
    }
    if (!inspection.acceptsKwargs()) {
      for (InputMapping input : inputs) {
        if (!inspection.parameters().contains(input.name())) {
          throw new InvalidParameterException(
              "input '%s' is not a parameter of %s(%s)"
                  .formatted(
                      input.name(), functionName, String.join(", ", inspection.parameters())));
        }
      }
    }
  }

  /**
   * The inspector's answer; a Python that cannot run (say it was removed after start-up) is the
   * server's failure, told as such and naming the interpreter, not a request's.
   */
  static PythonInspector.Inspection inspect(
      PythonInspector inspector, String sourceCode, String functionName) {
    try {
      return inspector.inspect(sourceCode, functionName);
    } catch (ExecutorException e) {
      throw new FailedDependencyException(e.getMessage(), e);
    }
  }

  /** Names present and unique; types valid for their side. */
  public static void checkMappings(List<InputMapping> inputs, List<OutputMapping> outputs) {
    var seen = new HashSet<String>();
    for (InputMapping input : inputs) {
      if (input.name() == null || input.name().isBlank()) {
        throw new InvalidParameterException("every input mapping needs a name");
      }
      if (!seen.add(input.name())) {
        throw new InvalidParameterException("input '" + input.name() + "' is mapped twice");
      }
      if (input.variableType() == null || !input.variableType().validForInput()) {
        throw new InvalidParameterException(
            "input '%s' has variableType %s, which is not an input type"
                .formatted(input.name(), input.variableType()));
      }
    }
    seen.clear();
    for (OutputMapping output : outputs) {
      if (output.name() == null || output.name().isBlank()) {
        throw new InvalidParameterException("every output mapping needs a name");
      }
      if (!seen.add(output.name())) {
        throw new InvalidParameterException("output '" + output.name() + "' is declared twice");
      }
      VariableType type = output.variableType();
      if (type == null || !type.validForOutput()) {
        throw new InvalidParameterException(
            "output '%s' has variableType %s, which is not an output type"
                .formatted(output.name(), type));
      }
    }
  }
}
