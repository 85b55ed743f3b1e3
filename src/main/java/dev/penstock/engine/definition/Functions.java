package dev.penstock.engine.definition;

import dev.penstock.executor.PythonInspector;
import dev.penstock.model.AlreadyExistsException;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PythonFunction;
import dev.penstock.store.PipelineStore;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Writes user Python functions (createPythonFunction and friends). Thread-safe. */
public final class Functions {
  private static final Set<String> TYPES =
      Set.of("FEATURE_GROUP", "PLOTLY_FIG", "STEP_FUNCTION", "USERCODE_TOOL", "CONNECTOR_TOOL");

  private final PipelineStore store;
  private final SourceCheck sourceCheck;
  private final InstantSource clock;

  public Functions(PipelineStore store, PythonInspector inspector, InstantSource clock) {
    this.store = store;
    this.sourceCheck = new SourceCheck(inspector);
    this.clock = clock;
  }

  public PythonFunction create(String name, FunctionSpec spec) {
    checkName(name);
    if (store.findFunctionByName(name).isPresent()) {
      throw new AlreadyExistsException("A Python function named '" + name + "' already exists");
    }
    String type = functionType(spec.functionType());
    var inputs = orEmpty(spec.inputs());
    var outputs = orEmpty(spec.outputs());
    SourceCheck.checkMappings(inputs, outputs);
    sourceCheck.check(spec.sourceCode(), spec.functionName(), inputs);
    var now = clock.instant();
    var function =
        new PythonFunction(
            Ids.newId(),
            name,
            spec.functionName(),
            spec.sourceCode(),
            type,
            inputs,
            outputs,
            orEmpty(spec.packageRequirements()),
            spec.description(),
            spec.examples(),
            spec.connectors(),
            spec.timeoutSeconds(),
            null,
            now,
            now);
    store.createFunction(function);
    return function;
  }

  public PythonFunction update(String name, FunctionSpec spec) {
    var current = find(name);
    var inputs = spec.inputs() != null ? List.copyOf(spec.inputs()) : current.inputs();
    var outputs = spec.outputs() != null ? List.copyOf(spec.outputs()) : current.outputs();
    String source = spec.sourceCode() != null ? spec.sourceCode() : current.sourceCode();
    String functionName =
        spec.functionName() != null ? spec.functionName() : current.functionName();
    SourceCheck.checkMappings(inputs, outputs);
    sourceCheck.check(source, functionName, inputs);
    var updated =
        new PythonFunction(
            current.id(),
            current.name(),
            functionName,
            source,
            current.functionType(),
            inputs,
            outputs,
            spec.packageRequirements() != null
                ? List.copyOf(spec.packageRequirements())
                : current.packageRequirements(),
            spec.description() != null ? spec.description() : current.description(),
            spec.examples() != null ? spec.examples() : current.examples(),
            spec.connectors() != null ? spec.connectors() : current.connectors(),
            spec.timeoutSeconds() != null ? spec.timeoutSeconds() : current.timeoutSeconds(),
            current.ownerStepId(),
            current.createdAt(),
            clock.instant());
    store.updateFunction(updated);
    return updated;
  }

  public void delete(String name) {
    var current = find(name);
    if (current.ownerStepId() != null) {
      throw new InvalidParameterException(
          "Python function '" + name + "' belongs to a pipeline step: delete the step instead");
    }
    store.deleteFunction(name);
  }

  private PythonFunction find(String name) {
    Definitions.requireName(name, "name");
    return store
        .findFunctionByName(name)
        .orElseThrow(() -> new NotFoundException("Python function not found: " + name));
  }

  private static void checkName(String name) {
    Definitions.requireName(name, "name");
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new InvalidParameterException("name '" + name + "' is not a valid Python identifier");
    }
  }

  private static String functionType(String text) {
    if (text == null) {
      return "FEATURE_GROUP";
    }
    String type = text.trim().toUpperCase(Locale.ROOT);
    if (!TYPES.contains(type)) {
      throw new InvalidParameterException(
          "functionType '"
              + text
              + "' is not one of "
              + String.join(", ", TYPES.stream().sorted().toList()));
    }
    return type;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
