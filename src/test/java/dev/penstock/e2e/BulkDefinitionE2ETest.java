package dev.penstock.e2e;

import static dev.penstock.testing.AbacusClient.params;
import static dev.penstock.testing.ApiAssertions.assertFails;
import static dev.penstock.testing.Steps.createPipeline;
import static dev.penstock.testing.Steps.uniqueName;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.testing.AbacusClient;
import dev.penstock.testing.Steps;
import dev.penstock.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * createPipelineSteps, the extension that defines many steps in one call: a fan-out of 2,000
 * squares in one request that then runs; all or nothing when any step is wrong, the wrong one
 * named; the same call made twice adds nothing the second time.
 */
class BulkDefinitionE2ETest {
  @RegisterExtension static final TestServer server = TestServer.perClass();

  private static final String SOURCE =
      """
      def source():
          return list(range(2000))

      def square(seed, i):
          return seed[i] * seed[i]

      def sink(**values):
          return sum(values.values())
      """;
  private final AbacusClient client = server.client();

  @Test
  void a_fan_out_of_2000_steps_is_defined_in_one_call() {
    String pipelineId = createPipeline(client, uniqueName("bulk"));

    JsonNode pipeline = define(pipelineId, fanOut(2000));

    assertThat(pipeline.path("steps")).hasSize(2002);
    JsonNode sink =
        client.call(
            "describePipelineStepByName", params("pipelineId", pipelineId, "stepName", "sink"));
    assertThat(sink.path("stepDependencies")).hasSize(2000);
  }

  @Test
  void one_wrong_step_adds_none_and_the_error_names_it() {
    String pipelineId = createPipeline(client, uniqueName("bulk_wrong"));
    var steps = fanOut(5);
    var unknownField = new HashMap<>(steps.get(3));
    unknownField.put("stepDependancies", List.of("source"));
    var withTypo = new ArrayList<>(steps);
    withTypo.set(3, unknownField);
    assertFails(
        () -> define(pipelineId, withTypo),
        400,
        "InvalidParameterError",
        "steps[3]: unknown parameter 'stepDependancies'");

    var brokenSource = new HashMap<>(steps.get(2));
    brokenSource.put("sourceCode", "def square(seed, i):\n    return seed[i] *\n");
    var withSyntaxError = new ArrayList<>(steps);
    withSyntaxError.set(2, brokenSource);
    assertFails(
        () -> define(pipelineId, withSyntaxError), 400, "InvalidParameterError", "step 'sq1'");

    var cycle = new ArrayList<>(steps);
    var source = new HashMap<>(steps.get(0));
    source.put("stepDependencies", List.of("sink"));
    cycle.set(0, source);
    assertFails(
        () -> define(pipelineId, cycle), 400, "InvalidParameterError", "would make a cycle");

    var unknownDependency = new ArrayList<>(steps);
    var orphan = new HashMap<>(steps.get(1));
    orphan.put("stepDependencies", List.of("nowhere"));
    unknownDependency.set(1, orphan);
    assertFails(
        () -> define(pipelineId, unknownDependency),
        400,
        "InvalidParameterError",
        "step 'sq0' depends on 'nowhere'");

    var twice = new ArrayList<>(steps);
    twice.add(steps.get(1));
    assertFails(
        () -> define(pipelineId, twice),
        400,
        "InvalidParameterError",
        "steps holds more than one step named 'sq0'");

    assertThat(describePipeline(pipelineId).path("steps")).isEmpty();
  }

  @Test
  void the_same_call_twice_adds_nothing_the_second_time_and_a_different_definition_is_refused() {
    String pipelineId = createPipeline(client, uniqueName("bulk_again"));
    var steps = fanOut(3);
    JsonNode first = define(pipelineId, steps);

    JsonNode second = define(pipelineId, steps);

    assertThat(ids(second)).isEqualTo(ids(first)).hasSize(5);
    var changed = new ArrayList<>(steps);
    var faster = new HashMap<>(steps.get(1));
    faster.put("timeout", 5);
    changed.set(1, faster);
    changed.add(step("late", "source", List.of(), List.of()));
    assertFails(
        () -> define(pipelineId, changed),
        409,
        "AlreadyExistsError",
        "already has a step named 'sq0', defined otherwise; no step was added");
    assertThat(ids(describePipeline(pipelineId))).isEqualTo(ids(first));

    String versionId = Steps.run(client, pipelineId, List.of());
    JsonNode run = server.awaitFinished(versionId, Duration.ofMinutes(1));
    assertThat(run.path("status").asText()).isEqualTo("COMPLETE");
    assertThat(Steps.outputValue(run, "sink", "total").asInt()).isEqualTo(0 + 1 + 4);
  }

  private JsonNode define(String pipelineId, List<Map<String, Object>> steps) {
    return client.call("createPipelineSteps", params("pipelineId", pipelineId, "steps", steps));
  }

  /** source → sq0 .. sq(width-1) → sink, as createPipelineStep's parameters. */
  private static List<Map<String, Object>> fanOut(int width) {
    var steps = new ArrayList<Map<String, Object>>();
    steps.add(step("source", "source", List.of(), List.of(Steps.output("seed", "LIST"))));
    var squares = new ArrayList<String>();
    var values = new ArrayList<Map<String, Object>>();
    for (int i = 0; i < width; i++) {
      var square =
          step("sq" + i, "square", List.of("source"), List.of(Steps.output("v" + i, "INTEGER")));
      square.put(
          "stepInputMappings",
          List.of(Steps.input("seed", "LIST", null, "seed"), Steps.input("i", "INTEGER", i, null)));
      steps.add(square);
      squares.add("sq" + i);
      values.add(Steps.input("v" + i, "INTEGER", null, "v" + i));
    }
    var sink = step("sink", "sink", squares, List.of(Steps.output("total", "INTEGER")));
    sink.put("stepInputMappings", values);
    steps.add(sink);
    return steps;
  }

  private static Map<String, Object> step(
      String name, String function, List<String> after, List<Map<String, Object>> outputs) {
    var step = new HashMap<String, Object>();
    step.put("stepName", name);
    step.put("functionName", function);
    step.put("sourceCode", SOURCE);
    step.put("stepDependencies", after);
    step.put("outputVariableMappings", outputs);
    return step;
  }

  private JsonNode describePipeline(String pipelineId) {
    return client.call("describePipeline", params("pipelineId", pipelineId));
  }

  private static List<String> ids(JsonNode pipeline) {
    var ids = new ArrayList<String>();
    pipeline.path("steps").forEach(step -> ids.add(step.path("pipelineStepId").asText()));
    return ids;
  }
}
