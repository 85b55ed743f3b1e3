package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.at;
import static dev.penstock.store.jdbc.StoreFixtures.step;
import static dev.penstock.store.jdbc.StoreFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepStatus;
import dev.penstock.store.RunOverview;
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
}
