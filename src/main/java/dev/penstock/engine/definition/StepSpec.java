package dev.penstock.engine.definition;

import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import java.util.List;

/**
 * The optional parts of a step as createPipelineStep and updatePipelineStep receive them; null
 * means "not given" (a default on create, unchanged on update).
 */
public record StepSpec(
    String functionName,
    String sourceCode,
    List<InputMapping> inputs,
    List<OutputMapping> outputs,
    List<String> dependencies,
    List<String> packageRequirements,
    String cpuSize,
    Integer memoryGb,
    Integer timeoutMinutes,
    Integer retries,
    Double retryDelaySeconds,
    Double retryBackoff,
    String retryOn) {

  /** A spec with no retry settings given. */
  public StepSpec(
      String functionName,
      String sourceCode,
      List<InputMapping> inputs,
      List<OutputMapping> outputs,
      List<String> dependencies,
      List<String> packageRequirements,
      String cpuSize,
      Integer memoryGb,
      Integer timeoutMinutes) {
    this(
        functionName,
        sourceCode,
        inputs,
        outputs,
        dependencies,
        packageRequirements,
        cpuSize,
        memoryGb,
        timeoutMinutes,
        null,
        null,
        null,
        null);
  }
}
