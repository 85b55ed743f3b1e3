package dev.penstock.engine.definition;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import java.util.List;

/**
 * A Python function as createPythonFunction and updatePythonFunction receive it; null means "not
 * given". {@code functionType} is ignored on update.
 */
public record FunctionSpec(
    String sourceCode,
    String functionName,
    List<InputMapping> inputs,
    List<OutputMapping> outputs,
    List<String> packageRequirements,
    String functionType,
    String description,
    JsonNode examples,
    JsonNode connectors,
    Integer timeoutSeconds) {}
