package dev.penstock.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.penstock.model.CpuSize;
import dev.penstock.model.InputMapping;
import dev.penstock.model.Isolation;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.PythonFunction;
import dev.penstock.model.RunStatus;
import dev.penstock.model.RunTrigger;
import dev.penstock.model.StepPlacement;
import dev.penstock.model.StepRetry;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import dev.penstock.model.VariableType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Model records for store tests: every field set, names and ids unique per call. */
final class StoreFixtures {
  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** The placement of {@link #pipeline}'s steps: on Kubernetes, in an image of its own. */
  static final StepPlacement PLACED =
      new StepPlacement(StepPlacement.Executor.KUBERNETES, "registry.example.com/team/steps:3.12");

  private StoreFixtures() {}

  static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }

  static String id(String kind) {
    return kind + "-" + UUID.randomUUID();
  }

  /** One JSON value of each kind, plus a JSON null and a value never given (Java null). */
  static List<InputMapping> inputsOfEveryJsonKind() {
    var object = NODES.objectNode().put("a", 1).put("b", "two");
    object.putArray("c").add(true).addNull().add(2.5);
    object.putObject("d").put("e", false);
    var array = NODES.arrayNode().add(1).add("two").add(3.5).addNull();
    array.addObject().put("nested", "yes");
    return List.of(
        input("count", VariableType.INTEGER, IntNode.valueOf(42)),
        input("big", VariableType.INTEGER, LongNode.valueOf(3_000_000_000L)),
        input("ratio", VariableType.FLOAT, DoubleNode.valueOf(0.1)),
        input("label", VariableType.STRING, TextNode.valueOf("héllo \"quoted\" ✓")),
        input("flag", VariableType.BOOLEAN, BooleanNode.FALSE),
        input("config", VariableType.JSON, object),
        input("items", VariableType.LIST, array),
        input("nothing", VariableType.JSON, NullNode.getInstance()),
        new InputMapping(
            "fromVariable", VariableType.STRING, false, null, "region", "d", "long d", "STRING"));
  }

  static List<OutputMapping> outputsOfEveryJsonKind() {
    return inputsOfEveryJsonKind().stream()
        .map(in -> new OutputMapping(in.name(), in.variableType(), "out", null, in.value()))
        .toList();
  }

  private static InputMapping input(String name, VariableType type, JsonNode value) {
    return new InputMapping(name, type, true, value, null, "about " + name, null, null);
  }

  static PythonFunction function(String name) {
    return function(name, "USER_FUNCTION", null);
  }

  static PythonFunction function(String name, String type, String ownerStepId) {
    return new PythonFunction(
        id("function"),
        name,
        "main",
        "def main(count):\n    return count\n",
        type,
        inputsOfEveryJsonKind(),
        List.of(new OutputMapping("result", VariableType.ANY, "the result", null, null)),
        List.of("numpy==2.1.0", "requests"),
        "Doubles a count",
        NODES.arrayNode().add(NODES.objectNode().put("count", 1)),
        NullNode.getInstance(),
        600,
        ownerStepId,
        at(0),
        at(1));
  }

  /** A function with only names, code and times set: what an update may shrink a function to. */
  static PythonFunction bareFunction(
      String id, String name, String ownerStepId, Instant createdAt, Instant updatedAt) {
    return new PythonFunction(
        id,
        name,
        "run",
        "def run():\n    pass\n",
        "OTHER",
        List.of(),
        null,
        null,
        null,
        null,
        null,
        null,
        ownerStepId,
        createdAt,
        updatedAt);
  }

  static Pipeline pipeline(String name) {
    return new Pipeline(
        id("pipeline"),
        name,
        "project-1",
        "0 * * * *",
        true,
        inputsOfEveryJsonKind(),
        3,
        at(0),
        at(0),
        false,
        null,
        Isolation.STEP,
        PLACED);
  }

  /**
   * A pipeline on the hourly schedule "0 * * * *", not paused, firing next at {@code nextRunAt}.
   */
  static Pipeline scheduledPipeline(String name, Instant nextRunAt) {
    var pipeline = pipeline(name);
    return new Pipeline(
        pipeline.id(),
        name,
        pipeline.projectId(),
        pipeline.cron(),
        pipeline.isProd(),
        pipeline.variables(),
        pipeline.maxConcurrentRuns(),
        pipeline.createdAt(),
        pipeline.updatedAt(),
        false,
        nextRunAt,
        null,
        pipeline.placement());
  }

  static PipelineStep step(Pipeline pipeline, String name, List<String> dependencies) {
    String stepId = id("step");
    return new PipelineStep(
        stepId,
        pipeline.id(),
        name,
        function(pipeline.name() + "_" + name, "STEP_FUNCTION", stepId),
        dependencies,
        CpuSize.MEDIUM,
        8,
        30,
        new StepRetry(2, 1.5, 2.0, StepRetry.RetryOn.TIMEOUT),
        at(0),
        at(0));
  }

  /** A new PENDING version of the pipeline with one PENDING step version per name, in order. */
  static PipelineVersion version(Pipeline pipeline, Instant createdAt, String... stepNames) {
    String versionId = id("version");
    var steps = new ArrayList<StepVersion>();
    for (int position = 0; position < stepNames.length; position++) {
      steps.add(stepVersion(versionId, pipeline.id(), stepNames[position], position, createdAt));
    }
    return new PipelineVersion(
        versionId,
        pipeline.id(),
        pipeline.name(),
        RunStatus.PENDING,
        null,
        RunTrigger.MANUAL,
        inputsOfEveryJsonKind(),
        createdAt,
        createdAt,
        null,
        null,
        List.copyOf(steps),
        pipeline.isolation(),
        pipeline.placement());
  }

  private static StepVersion stepVersion(
      String versionId, String pipelineId, String name, int position, Instant createdAt) {
    return new StepVersion(
        id("stepversion"),
        versionId,
        pipelineId,
        id("step"),
        name,
        position,
        id("function"),
        "main",
        "def main():\n    return 1\n",
        inputsOfEveryJsonKind(),
        outputsOfEveryJsonKind(),
        position == 0 ? List.of() : List.of("upstream"),
        List.of("pandas"),
        Map.of("helpers", "def help():\n    return 1\n"),
        CpuSize.SMALL,
        16,
        300,
        new StepRetry(1, 0.5, 3.0, StepRetry.RetryOn.ANY),
        StepStatus.PENDING,
        0,
        null,
        null,
        null,
        null,
        null,
        null,
        0,
        null,
        createdAt,
        createdAt,
        null,
        null);
  }
}
