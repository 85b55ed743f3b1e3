package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.at;
import static dev.penstock.store.jdbc.StoreFixtures.step;
import static dev.penstock.store.jdbc.StoreFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.penstock.model.FailureCause;
import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepAttempt;
import dev.penstock.model.StepStatus;
import dev.penstock.store.RunOverview;
import dev.penstock.store.StepCompletion;
import dev.penstock.store.StepProgress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reads behind the web UI's lists and live views. */
interface RunOverviewContract extends StoreAccess {
  RunOverview overview();

  @Test
  default void versions_are_paged_newest_first_without_their_steps() {
    Pipeline pipeline = createPipeline();
    PipelineVersion first = version(pipeline, at(1), "a");
    PipelineVersion second = version(pipeline, at(2), "a");
    PipelineVersion third = version(pipeline, at(3), "a");
    for (PipelineVersion version : List.of(second, first, third)) {
      runs().createVersion(version);
    }

    assertThat(overview().versions(pipeline.id(), 0, 2))
        .extracting(PipelineVersion::id)
        .containsExactly(third.id(), second.id());
    assertThat(overview().versions(pipeline.id(), 2, 2))
        .extracting(PipelineVersion::id)
        .containsExactly(first.id());
    assertThat(overview().versions(pipeline.id(), 0, 2).get(0).steps()).isEmpty();
    assertThat(overview().versionCount(pipeline.id())).isEqualTo(3);
    assertThat(overview().versionCount("no-such-pipeline")).isZero();
  }

  @Test
  default void the_latest_version_of_each_pipeline_and_its_step_count_are_read_at_once() {
    Pipeline busy = createPipeline();
    Pipeline idle = createPipeline();
    pipelines().createStep(step(busy, "a", List.of()));
    pipelines().createStep(step(busy, "b", List.of("a")));
    PipelineVersion older = version(busy, at(1), "a", "b");
    PipelineVersion newer = version(busy, at(5), "a", "b");
    runs().createVersion(newer);
    runs().createVersion(older);

    var latest = overview().latestVersions();

    assertThat(latest).containsOnlyKeys(busy.id());
    assertThat(latest.get(busy.id()).id()).isEqualTo(newer.id());
    assertThat(overview().stepCounts()).containsEntry(busy.id(), 2).doesNotContainKey(idle.id());
  }

  @Test
  default void step_names_of_several_versions_line_up_by_name_in_position_order_a_page_at_a_time() {
    Pipeline pipeline = createPipeline();
    PipelineVersion older = version(pipeline, at(1), "a", "b", "c");
    PipelineVersion newer = version(pipeline, at(2), "a", "c", "d");
    runs().createVersion(older);
    runs().createVersion(newer);
    var both = List.of(older.id(), newer.id(), "no-such-version");

    assertThat(overview().stepNames(both, 0, 10)).containsExactly("a", "b", "c", "d");
    assertThat(overview().stepNames(both, 1, 2)).containsExactly("b", "c");
    assertThat(overview().stepNameCount(both)).isEqualTo(4);
    assertThat(overview().stepNames(List.of(newer.id()), 0, 10)).containsExactly("a", "c", "d");
    assertThat(overview().stepNames(List.of(), 0, 10)).isEmpty();
    assertThat(overview().stepNameCount(List.of())).isZero();
  }

  @Test
  default void the_named_steps_of_several_versions_are_read_at_once_by_version() {
    Pipeline pipeline = createPipeline();
    PipelineVersion older = version(pipeline, at(1), "a", "b", "c");
    PipelineVersion newer = version(pipeline, at(2), "a", "c", "d");
    runs().createVersion(older);
    runs().createVersion(newer);
    runs().admitVersion(newer.id(), at(10));
    runs().claimStep(newer.steps().get(1).id(), 0, "node", null, at(20));

    var progress =
        overview()
            .stepProgressByVersion(
                List.of(older.id(), newer.id(), "no-such-version"), List.of("c", "d", "zz"));

    assertThat(progress).containsOnlyKeys(older.id(), newer.id());
    assertThat(progress.get(older.id()))
        .extracting(StepProgress::id, StepProgress::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(older.steps().get(2).id(), StepStatus.PENDING));
    assertThat(progress.get(newer.id()))
        .extracting(StepProgress::stepName, StepProgress::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("c", StepStatus.RUNNING),
            org.assertj.core.groups.Tuple.tuple("d", StepStatus.PENDING));
    assertThat(overview().stepProgressByVersion(List.of(older.id()), List.of())).isEmpty();
  }

  @Test
  default void step_progress_lists_the_steps_changed_since_a_time() {
    PipelineVersion version = createVersion("a", "b");
    var steps = version.steps();
    runs().admitVersion(version.id(), at(10));
    runs().claimStep(steps.get(1).id(), 0, "node", null, at(20));

    assertThat(overview().stepProgress(version.id(), null))
        .extracting(StepProgress::stepName, StepProgress::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", StepStatus.PENDING),
            org.assertj.core.groups.Tuple.tuple("b", StepStatus.RUNNING));
    List<StepProgress> changed = overview().stepProgress(version.id(), at(15));
    assertThat(changed).extracting(StepProgress::stepName).containsExactly("b");
    assertThat(changed.get(0).attempt()).isEqualTo(1);
    assertThat(changed.get(0).startedAt()).isEqualTo(at(20));
    assertThat(overview().stepProgress(version.id(), at(21))).isEmpty();
  }

  @Test
  default void a_version_is_read_alone_without_its_steps() {
    PipelineVersion version = createVersion("a", "b");

    var read = overview().version(version.id()).orElseThrow();

    assertThat(read.id()).isEqualTo(version.id());
    assertThat(read.pipelineId()).isEqualTo(version.pipelineId());
    assertThat(read.status()).isEqualTo(RunStatus.PENDING);
    assertThat(read.steps()).isEmpty();
    assertThat(overview().version("no-such-version")).isEmpty();
  }

  @Test
  default void step_dependencies_are_read_by_name_in_position_order() {
    PipelineVersion version = createVersion("first", "second", "third");

    assertThat(overview().stepDependencies(version.id()))
        .containsExactly(
            entry("first", List.of()),
            entry("second", List.of("upstream")),
            entry("third", List.of("upstream")));
    assertThat(overview().stepDependencies("no-such-version")).isEmpty();
  }

  @Test
  default void attempt_spans_are_the_ended_attempts_of_the_named_steps_without_values() {
    PipelineVersion version = createVersion("a", "b");
    PipelineVersion other = createVersion("a");
    String a = version.steps().get(0).id();
    String b = version.steps().get(1).id();
    runs().admitVersion(version.id(), at(1));
    for (int attempt = 0; attempt < 2; attempt++) {
      assertThat(runs().claimStep(a, attempt, "node", null, at(10 + attempt * 10))).isTrue();
      assertThat(
              runs()
                  .retryStep(
                      new StepCompletion(
                          a,
                          attempt + 1,
                          StepStatus.FAILED,
                          null,
                          null,
                          "boom " + attempt,
                          FailureCause.USER_CODE,
                          at(15 + attempt * 10)),
                      at(16 + attempt * 10),
                      "retry"))
          .isTrue();
    }

    var spans = overview().attemptSpans(version.id(), List.of(a, b, other.steps().get(0).id()));

    assertThat(spans).containsOnlyKeys(a);
    assertThat(spans.get(a)).extracting(StepAttempt::attempt).containsExactly(1, 2);
    StepAttempt first = spans.get(a).get(0);
    assertThat(first.startedAt()).isEqualTo(at(10));
    assertThat(first.endedAt()).isEqualTo(at(15));
    assertThat(first.error()).isEqualTo("boom 0");
    assertThat(first.boundInputs()).isNull();
    assertThat(first.outputValues()).isNull();
    assertThat(overview().attemptSpans(version.id(), List.of())).isEmpty();
  }
}
