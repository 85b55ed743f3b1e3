package dev.penstock.engine.definition;

import dev.penstock.model.CpuSize;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.PythonFunction;
import dev.penstock.model.StepRetry;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/** Steps as createPipelineStep and createPipelineSteps make them from a spec, before storing. */
final class NewSteps {
  private NewSteps() {}

  /** A new step of the pipeline from {@code spec}, its mappings checked; not stored. */
  static PipelineStep build(String pipelineId, String stepName, StepSpec spec, Instant now) {
    String stepId = Ids.newId();
    var inputs = orEmpty(spec.inputs());
    var outputs = orEmpty(spec.outputs());
    SourceCheck.checkMappings(inputs, outputs);
    var function =
        new PythonFunction(
            Ids.newId(),
            "step_" + stepId,
            spec.functionName(),
            spec.sourceCode(),
            "STEP_FUNCTION",
            inputs,
            outputs,
            orEmpty(spec.packageRequirements()),
            null,
            null,
            null,
            null,
            stepId,
            now,
            now);
    return new PipelineStep(
        stepId,
        pipelineId,
        stepName,
        function,
        distinct(orEmpty(spec.dependencies())),
        StepLimits.cpuSize(spec.cpuSize(), CpuSize.SMALL),
        StepLimits.memory(spec.memoryGb(), PipelineStep.DEFAULT_MEMORY_GB),
        StepLimits.timeout(spec.timeoutMinutes(), PipelineStep.DEFAULT_TIMEOUT_MINUTES),
        RetrySpec.merge(spec, StepRetry.NONE),
        now,
        now);
  }

  /** Whether two steps of one name do the same: all but their ids and times agree. */
  static boolean sameDefinition(PipelineStep a, PipelineStep b) {
    var f = a.function();
    var g = b.function();
    return Objects.equals(f.functionName(), g.functionName())
        && Objects.equals(f.sourceCode(), g.sourceCode())
        && f.inputs().equals(g.inputs())
        && f.outputs().equals(g.outputs())
        && f.packageRequirements().equals(g.packageRequirements())
        && a.dependencies().equals(b.dependencies())
        && a.cpuSize() == b.cpuSize()
        && a.memoryGb() == b.memoryGb()
        && a.timeoutMinutes() == b.timeoutMinutes()
        && a.retry().equals(b.retry());
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  static List<String> distinct(List<String> names) {
    return List.copyOf(new LinkedHashSet<>(names));
  }
}
