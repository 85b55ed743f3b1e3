package dev.penstock.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.testing.EmbeddedPostgresServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The store contract on a real PostgreSQL server: a new database per test. */
class PostgresStoreTest extends StoreContractTest {
  @Override
  String newDatabaseUrl() {
    return EmbeddedPostgresServer.newDatabase();
  }

  @Test
  void one_server_at_a_time_runs_a_retention_pass() throws Exception {
    String url = newDatabaseUrl();
    var first = JdbcStores.open(url, null, null);
    var second = JdbcStores.open(url, null, null);
    try {
      var inside = new CountDownLatch(1);
      var release = new CountDownLatch(1);
      var holding =
          CompletableFuture.supplyAsync(
              () ->
                  first
                      .runs()
                      .retentionAlone(
                          () -> {
                            inside.countDown();
                            awaitQuietly(release);
                          }));
      assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
      var ran = new AtomicBoolean();
      assertThat(second.runs().retentionAlone(() -> ran.set(true))).isFalse();
      assertThat(ran).isFalse();

      release.countDown();
      assertThat(holding.get(30, TimeUnit.SECONDS)).isTrue();
      assertThat(second.runs().retentionAlone(() -> ran.set(true))).isTrue();
      assertThat(ran).isTrue();
    } finally {
      first.close();
      second.close();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
