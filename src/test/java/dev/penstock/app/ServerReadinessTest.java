package dev.penstock.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.api.Readiness.Check;
import dev.penstock.store.jdbc.JdbcStores;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Readiness over a real SQLite store: each part, and a store that has been closed. */
class ServerReadinessTest {
  @TempDir Path directory;

  @Test
  void each_part_that_stops_and_a_closed_store_are_named_with_why() {
    var stores = JdbcStores.open("jdbc:sqlite:" + directory.resolve("penstock.db"), null, null);
    var planning = new AtomicBoolean(true);
    var readiness =
        new ServerReadiness(
            stores.statusCounts(),
            List.of(
                new ServerReadiness.Part(
                    "scheduler", planning::get, "the scheduler is not running"),
                new ServerReadiness.Part(
                    "sweeper",
                    () -> {
                      throw new IllegalStateException("cannot tell");
                    },
                    "the sweeper is not running")));

    assertThat(readiness.checks())
        .containsExactly(
            new Check("store", null),
            new Check("scheduler", null),
            new Check("sweeper", "the sweeper is not running"));

    planning.set(false);
    stores.close();

    var checks = readiness.checks();
    assertThat(checks.get(0).name()).isEqualTo("store");
    assertThat(checks.get(0).problem()).startsWith("the database failed: ");
    assertThat(checks.get(1)).isEqualTo(new Check("scheduler", "the scheduler is not running"));
  }
}
