package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.PLACED;
import static dev.penstock.store.jdbc.StoreFixtures.T0;
import static dev.penstock.store.jdbc.StoreFixtures.at;
import static dev.penstock.store.jdbc.StoreFixtures.bareFunction;
import static dev.penstock.store.jdbc.StoreFixtures.function;
import static dev.penstock.store.jdbc.StoreFixtures.id;
import static dev.penstock.store.jdbc.StoreFixtures.inputsOfEveryJsonKind;
import static dev.penstock.store.jdbc.StoreFixtures.pipeline;
import static dev.penstock.store.jdbc.StoreFixtures.scheduledPipeline;
import static dev.penstock.store.jdbc.StoreFixtures.step;
import static dev.penstock.store.jdbc.StoreFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.model.AlreadyExistsException;
import dev.penstock.model.ConflictException;
import dev.penstock.model.Isolation;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.PythonFunction;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepPlacement;
import dev.penstock.model.StepStatus;
import dev.penstock.store.StepCompletion;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PipelineStore part of the store contract: functions, pipelines and their cascade delete (the
 * steps: {@link StepStoreContract}).
 */
interface PipelineStoreContract extends StoreAccess {
  // ---- functions ----

  @Test
  default void created_function_is_found_by_id_and_name_with_every_field() {
    PythonFunction function = function("double_it");
    pipelines().createFunction(function);

    assertThat(pipelines().findFunction(function.id())).contains(function);
    assertThat(pipelines().findFunctionByName("double_it")).contains(function);
    assertThat(pipelines().findFunctionByName("nope")).isEmpty();
  }

  @Test
  default void json_values_of_every_kind_round_trip_exactly() {
    var function = function("json_kinds");
    pipelines().createFunction(function);

    var found = pipelines().findFunction(function.id()).orElseThrow();
    assertThat(found.inputs()).isEqualTo(inputsOfEveryJsonKind());
    assertThat(found.inputs()).extracting(in -> in.value() == null).containsOnlyOnce(true);
    assertThat(found.examples()).isEqualTo(function.examples());
    assertThat(found.connectors()).isEqualTo(function.connectors()).isNotNull();
  }

  @Test
  default void a_taken_function_name_is_already_exists_and_writes_nothing() {
    pipelines().createFunction(function("taken"));
    PythonFunction second = function("taken");

    assertThatThrownBy(() -> pipelines().createFunction(second))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessage("A function named 'taken' already exists");
    assertThat(pipelines().findFunction(second.id())).isEmpty();
  }

  @Test
  default void updated_function_replaces_fields_but_id_created_at_and_owner() {
    PythonFunction original = function("before");
    pipelines().createFunction(original);
    var changed = bareFunction(original.id(), "after", "someone-else", at(50), at(60));

    pipelines().updateFunction(changed);

    var expected = bareFunction(original.id(), "after", null, original.createdAt(), at(60));
    assertThat(pipelines().findFunction(original.id())).contains(expected);
    assertThat(pipelines().findFunctionByName("before")).isEmpty();
  }

  @Test
  default void function_updates_report_a_missing_id_and_a_taken_name() {
    assertThatThrownBy(() -> pipelines().updateFunction(function("ghost")))
        .isInstanceOf(NotFoundException.class);
    pipelines().createFunction(function("first"));
    PythonFunction second = function("second");
    pipelines().createFunction(second);

    var clash = bareFunction(second.id(), "first", null, T0, T0);
    assertThatThrownBy(() -> pipelines().updateFunction(clash))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessageContaining("'first'");
    assertThat(pipelines().findFunction(second.id())).contains(second);
  }

  @Test
  default void deleted_function_is_gone_and_a_second_delete_returns_false() {
    pipelines().createFunction(function("doomed"));

    assertThat(pipelines().deleteFunction("doomed")).isTrue();
    assertThat(pipelines().findFunctionByName("doomed")).isEmpty();
    assertThat(pipelines().deleteFunction("doomed")).isFalse();
  }

  @Test
  default void functions_are_listed_by_name_and_filtered_by_type() {
    pipelines().createFunction(function("zeta"));
    pipelines().createFunction(function("alpha"));
    pipelines().createFunction(function("mid", "STEP_FUNCTION", null));

    assertThat(pipelines().listFunctions(null))
        .extracting(PythonFunction::name)
        .containsExactly("alpha", "mid", "zeta");
    assertThat(pipelines().listFunctions("USER_FUNCTION"))
        .extracting(PythonFunction::name)
        .containsExactly("alpha", "zeta");
  }

  // ---- pipelines ----

  @Test
  default void created_pipeline_is_found_by_id_and_name_and_a_taken_name_is_already_exists() {
    Pipeline pipeline = pipeline("etl");
    pipelines().createPipeline(pipeline);

    assertThat(pipelines().findPipeline(pipeline.id())).contains(pipeline);
    assertThat(pipelines().findPipelineByName("etl")).contains(pipeline);
    assertThatThrownBy(() -> pipelines().createPipeline(pipeline("etl")))
        .isInstanceOf(AlreadyExistsException.class)
        .hasMessage("A pipeline named 'etl' already exists");
  }

  @Test
  default void updated_pipeline_replaces_every_field_but_id_created_at_and_schedule() {
    Pipeline pipeline = scheduledPipeline("old", at(3600));
    pipelines().createPipeline(pipeline);
    var local = new StepPlacement(StepPlacement.Executor.LOCAL, null);
    var changed =
        new Pipeline(
            pipeline.id(),
            "new",
            null,
            null,
            false,
            null,
            7,
            at(90),
            at(99),
            true,
            at(5),
            Isolation.PROCESS,
            local);

    pipelines().updatePipeline(changed);

    assertThat(pipelines().findPipeline(pipeline.id()))
        .contains(
            new Pipeline(
                pipeline.id(),
                "new",
                null,
                "0 * * * *",
                false,
                null,
                7,
                T0,
                at(99),
                false,
                at(3600),
                Isolation.PROCESS,
                local));
  }

  @Test
  default void a_run_keeps_the_placement_it_started_with_when_its_pipeline_changes() {
    Pipeline pipeline = pipeline("placed");
    pipelines().createPipeline(pipeline);
    PipelineVersion run = version(pipeline, T0, "load");
    runs().createVersion(run);

    pipelines()
        .updatePipeline(
            new Pipeline(
                pipeline.id(),
                pipeline.name(),
                pipeline.projectId(),
                pipeline.cron(),
                pipeline.isProd(),
                pipeline.variables(),
                pipeline.maxConcurrentRuns(),
                pipeline.createdAt(),
                at(9),
                pipeline.schedulePaused(),
                pipeline.nextRunAt(),
                pipeline.isolation(),
                StepPlacement.DEFAULT));

    assertThat(pipelines().findPipeline(pipeline.id()).orElseThrow().placement())
        .isEqualTo(StepPlacement.DEFAULT);
    assertThat(runs().findVersion(run.id()).orElseThrow().placement()).isEqualTo(PLACED);
    var streamed = new VersionReadContract.Collected();
    assertThat(runs().readVersion(run.id(), streamed)).isTrue();
    assertThat(streamed.version.placement()).isEqualTo(PLACED);
  }

  @Test
  default void pipeline_updates_report_a_missing_id_and_a_taken_name() {
    assertThatThrownBy(() -> pipelines().updatePipeline(pipeline("ghost")))
        .isInstanceOf(NotFoundException.class);
    pipelines().createPipeline(pipeline("one"));
    Pipeline two = pipeline("two");
    pipelines().createPipeline(two);

    var clash = new Pipeline(two.id(), "one", null, null, false, null, null, T0, T0);
    assertThatThrownBy(() -> pipelines().updatePipeline(clash))
        .isInstanceOf(AlreadyExistsException.class);
    assertThat(pipelines().findPipeline(two.id())).contains(two);
  }

  @Test
  default void pipelines_are_listed_oldest_first_and_filtered_by_project() {
    var late = new Pipeline(id("p"), "late", "a", null, false, null, null, at(20), at(20));
    var early = new Pipeline(id("p"), "early", "a", null, false, null, null, at(10), at(10));
    var other = new Pipeline(id("p"), "other", "b", null, false, null, null, at(15), at(15));
    List.of(late, early, other).forEach(pipelines()::createPipeline);

    assertThat(pipelines().listPipelines(null)).containsExactly(early, other, late);
    assertThat(pipelines().listPipelines("a")).containsExactly(early, late);
    assertThat(pipelines().pipelineIds(null)).containsExactly(early.id(), other.id(), late.id());
    assertThat(pipelines().pipelineIds("a")).containsExactly(early.id(), late.id());
    assertThat(pipelines().pipelineIds("none")).isEmpty();
  }

  @Test
  default void deleting_a_pipeline_deletes_everything_it_owns_and_nothing_else() {
    Pipeline doomed = pipeline("doomed");
    Pipeline kept = pipeline("kept");
    pipelines().createPipeline(doomed);
    pipelines().createPipeline(kept);
    PipelineStep doomedStep = step(doomed, "load", List.of());
    PipelineStep keptStep = step(kept, "load", List.of());
    pipelines().createStep(doomedStep);
    pipelines().createStep(keptStep);
    PipelineVersion doomedRun = version(doomed, T0, "load");
    PipelineVersion keptRun = version(kept, T0, "load");
    runs().createVersion(doomedRun);
    runs().createVersion(keptRun);
    claimFirst(doomedRun, "node");
    String doomedStepVersion = doomedRun.steps().get(0).id();
    runs()
        .completeStep(
            new StepCompletion(
                doomedStepVersion, 1, StepStatus.FAILED, null, null, "boom", null, at(2)));
    runs().finishVersion(doomedRun.id(), RunStatus.FAILED, "boom", at(2));

    assertThat(pipelines().deletePipeline(doomed.id())).isTrue();

    assertThat(pipelines().findPipeline(doomed.id())).isEmpty();
    assertThat(pipelines().findStep(doomedStep.id())).isEmpty();
    assertThat(pipelines().findFunction(doomedStep.function().id())).isEmpty();
    assertThat(runs().findVersion(doomedRun.id())).isEmpty();
    assertThat(runs().findStepVersion(doomedRun.steps().get(0).id())).isEmpty();
    assertThat(runs().history(doomedRun.steps().get(0).id())).isEmpty();
    assertThat(
            count("SELECT COUNT(*) FROM status_history WHERE pipeline_version = ?", doomedRun.id()))
        .isZero();
    assertThat(count("SELECT COUNT(*) FROM step_attempt WHERE step_version = ?", doomedStepVersion))
        .isZero();
    assertThat(pipelines().findStep(keptStep.id())).contains(keptStep);
    assertThat(runs().findVersion(keptRun.id())).contains(keptRun);
    assertThat(pipelines().deletePipeline(doomed.id())).isFalse();
  }

  @Test
  default void a_pipeline_with_a_run_in_progress_is_not_deleted_and_the_error_names_the_run() {
    Pipeline busy = pipeline("busy");
    pipelines().createPipeline(busy);
    pipelines().createStep(step(busy, "load", List.of()));
    PipelineVersion run = version(busy, T0, "load");
    runs().createVersion(run);

    assertThatThrownBy(() -> pipelines().deletePipeline(busy.id()))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining(run.id());
    assertThat(pipelines().findPipeline(busy.id())).isPresent();
    assertThat(runs().findVersion(run.id())).isPresent();
  }
}
