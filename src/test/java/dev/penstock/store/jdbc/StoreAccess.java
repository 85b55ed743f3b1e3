package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.T0;
import static dev.penstock.store.jdbc.StoreFixtures.at;
import static dev.penstock.store.jdbc.StoreFixtures.id;
import static dev.penstock.store.jdbc.StoreFixtures.pipeline;
import static dev.penstock.store.jdbc.StoreFixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepVersion;
import dev.penstock.store.ApiKeyStore;
import dev.penstock.store.PipelineStore;
import dev.penstock.store.RunStore;
import java.util.List;

/** What the contract tests reach: the stores of a fresh database, raw SQL, and shared steps. */
interface StoreAccess {
  PipelineStore pipelines();

  RunStore runs();

  ApiKeyStore apiKeys();

  /** Runs a one-parameter COUNT query behind the stores' back, for what they do not show. */
  long count(String sql, Object parameter);

  /** Runs a one-parameter write behind the stores' back, as a reset or older code might have. */
  void execute(String sql, String parameter);

  default Pipeline createPipeline() {
    Pipeline pipeline = pipeline(id("pipeline"));
    pipelines().createPipeline(pipeline);
    return pipeline;
  }

  /** A new PENDING version, created at T0, of a new pipeline, with one step per name. */
  default PipelineVersion createVersion(String... stepNames) {
    PipelineVersion version = version(createPipeline(), T0, stepNames);
    runs().createVersion(version);
    return version;
  }

  default void claimFirst(PipelineVersion version, String node) {
    assertThat(runs().claimStep(version.steps().get(0).id(), 0, node, null, at(1))).isTrue();
  }

  static StepVersion stepNamed(List<StepVersion> steps, String name) {
    return steps.stream().filter(step -> step.stepName().equals(name)).findFirst().orElseThrow();
  }
}
