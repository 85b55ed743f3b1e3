package dev.penstock.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/**
 * A named Python function: module source text plus the function to call in it. Steps own one each
 * ({@code ownerStepId} set, type STEP_FUNCTION); users create others with createPythonFunction.
 * {@code examples} and {@code connectors} are kept as given (null when never set).
 */
public record PythonFunction(
    String id,
    String name,
    String functionName,
    String sourceCode,
    String functionType,
    List<InputMapping> inputs,
    List<OutputMapping> outputs,
    List<String> packageRequirements,
    String description,
    JsonNode examples,
    JsonNode connectors,
    Integer timeoutSeconds,
    String ownerStepId,
    Instant createdAt,
    Instant updatedAt) {}
