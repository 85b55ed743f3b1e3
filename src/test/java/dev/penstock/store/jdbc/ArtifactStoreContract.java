package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.penstock.model.Artifact;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import dev.penstock.store.StepCompletion;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The artifacts part of the store contract: written with the completion that kept them or not at
 * all, read by run and by id, gone with a reset of their step and with their run.
 */
interface ArtifactStoreContract extends StoreAccess {

  private static Artifact artifact(
      String id, PipelineVersion version, int step, String outputName, String name) {
    return new Artifact(
        id,
        version.id(),
        version.steps().get(step).id(),
        1,
        outputName,
        name,
        outputName == null ? Artifact.Kind.FILE : Artifact.Kind.TABLE,
        outputName == null ? "file" : "pickle",
        "text/plain",
        42,
        "step/attempt-1/" + name,
        outputName == null ? null : JsonNodeFactory.instance.objectNode().put("rows", 3),
        at(5));
  }

  private boolean complete(PipelineVersion version, int step, List<Artifact> artifacts) {
    return runs()
        .completeStep(
            new StepCompletion(
                version.steps().get(step).id(),
                1,
                StepStatus.COMPLETE,
                List.of(),
                null,
                null,
                null,
                at(5),
                artifacts));
  }

  @Test
  default void a_completion_records_its_artifacts_listed_in_step_order_outputs_first() {
    PipelineVersion version = createVersion("first", "second");
    claimFirst(version, "node");
    runs().claimStep(version.steps().get(1).id(), 0, "node", null, at(1));
    var report = artifact("a1", version, 1, null, "report.txt");
    var frame = artifact("a2", version, 1, "frame", "frame");
    var early = artifact("a3", version, 0, null, "z.txt");

    assertThat(complete(version, 1, List.of(report, frame))).isTrue();
    assertThat(complete(version, 0, List.of(early))).isTrue();

    assertThat(runs().artifacts(version.id())).containsExactly(early, frame, report);
    assertThat(runs().artifactsOfStep(version.steps().get(1).id())).containsExactly(frame, report);
    assertThat(runs().findArtifact("a2")).contains(frame);
    assertThat(runs().findArtifact("nope")).isEmpty();
  }

  @Test
  default void a_superseded_completion_records_no_artifact() {
    PipelineVersion version = createVersion("only");
    claimFirst(version, "node");
    runs().requeueStep(version.steps().get(0).id(), 1, "worker lost", at(2));

    assertThat(complete(version, 0, List.of(artifact("a1", version, 0, "out", "out")))).isFalse();

    assertThat(runs().artifacts(version.id())).isEmpty();
  }

  @Test
  default void a_reset_step_loses_its_artifacts_and_a_deleted_run_all_of_them() {
    PipelineVersion version = createVersion("a", "b");
    claimFirst(version, "node");
    runs().claimStep(version.steps().get(1).id(), 0, "node", null, at(1));
    complete(version, 0, List.of(artifact("a1", version, 0, "out", "out")));
    complete(version, 1, List.of(artifact("b1", version, 1, "out", "out")));

    runs().resetSteps(version.id(), List.of(version.steps().get(0).id()), "rerun", at(6));
    assertThat(runs().artifacts(version.id())).extracting(Artifact::id).containsExactly("b1");

    runs().cancelVersion(version.id(), "stop", at(7));
    assertThat(runs().versionStatus(version.id())).contains(RunStatus.CANCELLED);
    assertThat(runs().deleteVersion(version.id())).isTrue();
    assertThat(runs().findArtifact("b1")).isEmpty();
  }
}
