package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.T0;
import static dev.penstock.store.jdbc.StoreFixtures.at;
import static dev.penstock.store.jdbc.StoreFixtures.bareFunction;
import static dev.penstock.store.jdbc.StoreFixtures.function;
import static dev.penstock.store.jdbc.StoreFixtures.pipeline;
import static dev.penstock.store.jdbc.StoreFixtures.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.model.AlreadyExistsException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.StepRetry;
import dev.penstock.store.StepStamp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The PipelineStore part of the store contract about steps: each stored with its function. */
interface StepStoreContract extends StoreAccess {
  @Test
  default void created_step_is_found_with_its_function_by_id_and_by_name() {
    Pipeline pipeline = pipeline("with_steps");
    pipelines().createPipeline(pipeline);
    PipelineStep step = step(pipeline, "load", List.of("extract"));
    pipelines().createStep(step);

    assertThat(pipelines().findStep(step.id())).contains(step);
    assertThat(pipelines().findStepByName(pipeline.id(), "load")).contains(step);
    assertThat(pipelines().findFunction(step.function().id()).orElseThrow().ownerStepId())
        .isEqualTo(step.id());
  }

  @Test
  default void a_taken_step_name_is_already_exists_in_its_pipeline_only_and_writes_no_function() {
    Pipeline first = pipeline("first");
    Pipeline second = pipeline("second");
    pipelines().createPipeline(first);
    pipelines().createPipeline(second);
    pipelines().createStep(step(first, "load", List.of()));
    PipelineStep duplicate = step(first, "load", List.of());
    var renamedFunction = function("distinct_function_name", "STEP_FUNCTION", duplicate.id());
    var clash =
        new PipelineStep(
            duplicate.id(),
            first.id(),
            "load",
            renamedFunction,
            List.of(),
            null,
            1,
            1,
            StepRetry.NONE,
            T0,
            T0);

    assertThatThrownBy(() -> pipelines().createStep(clash))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("'load'");
    assertThat(pipelines().findFunction(renamedFunction.id())).isEmpty();
    pipelines().createStep(step(second, "load", List.of()));
    assertThat(pipelines().listSteps(second.id())).hasSize(1);
  }

  @Test
  default void steps_created_together_are_all_stored_or_none_when_one_cannot_be() {
    Pipeline pipeline = pipeline("together");
    pipelines().createPipeline(pipeline);
    pipelines().createStep(step(pipeline, "taken", List.of()));
    PipelineStep first = step(pipeline, "first", List.of());
    PipelineStep clash = step(pipeline, "taken", List.of("first"));

    assertThatThrownBy(() -> pipelines().createSteps(List.of(first, clash)))
        .isInstanceOf(AlreadyExistsException.class);
    assertThat(pipelines().listSteps(pipeline.id()))
        .extracting(PipelineStep::name)
        .containsExactly("taken");
    assertThat(pipelines().findFunction(first.function().id())).isEmpty();

    pipelines()
        .createSteps(
            List.of(
                step(pipeline, "a", List.of()), first, step(pipeline, "b", List.of("a", "first"))));
    assertThat(pipelines().listSteps(pipeline.id()))
        .extracting(PipelineStep::name)
        .containsExactly("taken", "a", "first", "b");
    assertThat(pipelines().stepDependencies(pipeline.id()))
        .containsExactly(
            Map.entry("taken", List.of()),
            Map.entry("a", List.of()),
            Map.entry("first", List.of()),
            Map.entry("b", List.of("a", "first")));
  }

  @Test
  default void a_step_of_a_missing_pipeline_is_not_found() {
    PipelineStep orphan = step(pipeline("never_created"), "load", List.of());

    assertThatThrownBy(() -> pipelines().createStep(orphan)).isInstanceOf(NotFoundException.class);
    assertThat(pipelines().findFunction(orphan.function().id())).isEmpty();
  }

  @Test
  default void updated_step_replaces_the_step_row_and_its_function_row() {
    Pipeline pipeline = pipeline("p");
    pipelines().createPipeline(pipeline);
    PipelineStep step = step(pipeline, "load", List.of());
    pipelines().createStep(step);
    var newFunction = bareFunction(step.function().id(), "p_store", step.id(), T0, at(7));
    var changed =
        new PipelineStep(
            step.id(),
            pipeline.id(),
            "store",
            newFunction,
            List.of("a", "b"),
            null,
            2,
            3,
            new StepRetry(4, 2.5, 1.5, StepRetry.RetryOn.TIMEOUT),
            at(5),
            at(7));

    pipelines().updateStep(changed);

    var expected =
        new PipelineStep(
            step.id(),
            pipeline.id(),
            "store",
            newFunction,
            List.of("a", "b"),
            null,
            2,
            3,
            new StepRetry(4, 2.5, 1.5, StepRetry.RetryOn.TIMEOUT),
            T0,
            at(7));
    assertThat(pipelines().findStep(step.id())).contains(expected);
    assertThat(pipelines().findStepByName(pipeline.id(), "load")).isEmpty();
  }

  @Test
  default void updating_a_missing_step_is_not_found() {
    Pipeline pipeline = pipeline("p");
    pipelines().createPipeline(pipeline);

    assertThatThrownBy(() -> pipelines().updateStep(step(pipeline, "ghost", List.of())))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  default void deleted_step_takes_its_function_with_it() {
    Pipeline pipeline = pipeline("p");
    pipelines().createPipeline(pipeline);
    PipelineStep step = step(pipeline, "load", List.of());
    pipelines().createStep(step);

    assertThat(pipelines().deleteStep(step.id())).isTrue();
    assertThat(pipelines().findStep(step.id())).isEmpty();
    assertThat(pipelines().findFunction(step.function().id())).isEmpty();
    assertThat(pipelines().deleteStep(step.id())).isFalse();
  }

  @Test
  default void steps_are_listed_in_creation_order_even_within_one_millisecond() {
    Pipeline pipeline = pipeline("p");
    pipelines().createPipeline(pipeline);
    for (String name : List.of("zulu", "alpha", "mike", "bravo")) {
      pipelines().createStep(step(pipeline, name, List.of()));
    }

    assertThat(pipelines().listSteps(pipeline.id()))
        .extracting(PipelineStep::name)
        .containsExactly("zulu", "alpha", "mike", "bravo");
  }

  @Test
  default void a_step_stamp_changes_with_every_update_of_the_step_or_its_function_alone() {
    Pipeline pipeline = pipeline("p");
    pipelines().createPipeline(pipeline);
    PipelineStep first = step(pipeline, "first", List.of());
    PipelineStep second = step(pipeline, "second", List.of());
    pipelines().createStep(first);
    pipelines().createStep(second);
    List<StepStamp> created = pipelines().stepStamps(pipeline.id());

    pipelines().updateStep(first); // the same fields, at the same instant
    List<StepStamp> stepUpdated = pipelines().stepStamps(pipeline.id());
    pipelines().updateFunction(first.function());
    List<StepStamp> functionUpdated = pipelines().stepStamps(pipeline.id());

    assertThat(created).extracting(StepStamp::stepId).containsExactly(first.id(), second.id());
    assertThat(List.of(created.get(0), stepUpdated.get(0), functionUpdated.get(0)))
        .doesNotHaveDuplicates();
    assertThat(stepUpdated.get(0).functionRevision())
        .isGreaterThan(created.get(0).functionRevision());
    assertThat(functionUpdated.get(0).stepRevision()).isEqualTo(stepUpdated.get(0).stepRevision());
    assertThat(functionUpdated.get(1)).isEqualTo(created.get(1));
    assertThat(pipelines().stepStamps("no-such-pipeline")).isEmpty();
  }
}
