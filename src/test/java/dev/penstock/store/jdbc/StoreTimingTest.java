package dev.penstock.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.penstock.model.AlreadyExistsException;
import dev.penstock.model.Pipeline;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every transaction and read of the store is timed by its kind and how it ended. */
class StoreTimingTest {
  @TempDir Path directory;

  @Test
  void writes_and_reads_are_timed_apart_and_a_refused_write_as_an_error() {
    var registry = new SimpleMeterRegistry();
    try (var stores =
        JdbcStores.open("jdbc:sqlite:" + directory.resolve("penstock.db"), null, null, registry)) {
      long writesBefore = count(registry, "write", "ok");
      long readsBefore = count(registry, "read", "ok");
      Pipeline pipeline = StoreFixtures.pipeline(StoreFixtures.id("pipeline"));

      stores.pipelines().createPipeline(pipeline);
      stores.pipelines().findPipeline(pipeline.id());
      stores.statusCounts().runsByStatus();
      assertThatThrownBy(() -> stores.pipelines().createPipeline(pipeline))
          .isInstanceOf(AlreadyExistsException.class);

      assertThat(count(registry, "write", "ok") - writesBefore).isEqualTo(1);
      assertThat(count(registry, "write", "error")).isEqualTo(1);
      assertThat(count(registry, "read", "ok") - readsBefore).isEqualTo(2);
      assertThat(count(registry, "read", "error")).isZero();
    }
  }

  private static long count(SimpleMeterRegistry registry, String kind, String outcome) {
    return registry
        .get("penstock.store.operation")
        .tags("kind", kind, "outcome", outcome)
        .timer()
        .count();
  }
}
