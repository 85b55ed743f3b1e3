package dev.penstock.store.jdbc;

import static dev.penstock.store.jdbc.StoreFixtures.at;
import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepVersion;
import dev.penstock.store.ApiKey;
import dev.penstock.store.ApiKeyStore;
import dev.penstock.store.ModuleStore;
import dev.penstock.store.PipelineStore;
import dev.penstock.store.RunOverview;
import dev.penstock.store.RunStore;
import dev.penstock.store.StatusCounts;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract, run against every database by a subclass that supplies fresh empty databases;
 * each test starts from a new database migrated from zero. The tests of each store live in the
 * contract interfaces this class implements, the API key, schema and concurrency tests here.
 */
abstract class StoreContractTest
    implements PipelineStoreContract,
        StepStoreContract,
        RunStoreContract,
        RunControlContract,
        ScheduleStoreContract,
        ModuleStoreContract,
        StepFaultContract,
        VersionReadContract,
        ApiKeyStoreContract,
        StatusCountsContract,
        RunOverviewContract,
        ArtifactStoreContract {
  private String url;
  private JdbcStores stores;
  private PipelineStore pipelines;
  private RunStore runs;
  private ApiKeyStore apiKeys;

  /** The JDBC URL of a new, empty database of its own (credentials in the URL if any). */
  abstract String newDatabaseUrl();

  @BeforeEach
  void open_a_fresh_database() {
    url = newDatabaseUrl();
    open();
  }

  @AfterEach
  void close_the_database() {
    stores.close();
  }

  private void open() {
    stores = JdbcStores.open(url, null, null);
    pipelines = stores.pipelines();
    runs = stores.runs();
    apiKeys = stores.apiKeys();
  }

  @Override
  public RunOverview overview() {
    return stores.overview();
  }

  @Override
  public StatusCounts statusCounts() {
    return stores.statusCounts();
  }

  @Override
  public ModuleStore modules() {
    return stores.modules();
  }

  @Override
  public PipelineStore pipelines() {
    return pipelines;
  }

  @Override
  public RunStore runs() {
    return runs;
  }

  @Override
  public ApiKeyStore apiKeys() {
    return apiKeys;
  }

  @Test
  void an_admin_key_stored_before_salts_still_signs_in_and_run_key_rows_go() throws Exception {
    String old = newDatabaseUrl();
    if (old.startsWith("jdbc:sqlite:")) { // Flyway alone does not make the file's directory
      java.nio.file.Files.createDirectories(
          java.nio.file.Path.of(old.substring("jdbc:sqlite:".length())).getParent());
    }
    org.flywaydb.core.Flyway.configure()
        .dataSource(old, null, null)
        .locations(Dialect.forUrl(old).migrationLocation())
        .target("5")
        .load()
        .migrate();
    try (var connection = DriverManager.getConnection(old);
        var insert =
            connection.prepareStatement(
                "INSERT INTO api_key (key_hash, kind, pipeline_version, created_at)"
                    + " VALUES (?, ?, ?, 0)")) {
      for (String[] row :
          new String[][] {{"hash-of-admin", "ADMIN", null}, {"hash-of-run", "RUN", "v1"}}) {
        insert.setString(1, row[0]);
        insert.setString(2, row[1]);
        insert.setString(3, row[2]);
        insert.executeUpdate();
      }
    }

    try (JdbcStores migrated = JdbcStores.open(old, null, null)) {
      var admin = migrated.apiKeys().findUnsaltedKey("hash-of-admin").orElseThrow();
      assertThat(admin.scope()).isEqualTo(ApiKey.Scope.ADMIN);
      assertThat(migrated.apiKeys().listKeys()).containsExactly(admin);
    }
  }

  @Test
  void reopening_a_database_keeps_its_data_and_migrates_nothing_again() {
    Pipeline pipeline = createPipeline();
    long migrations = count("SELECT COUNT(*) FROM flyway_schema_history WHERE success = ?", true);
    stores.close();

    open();

    assertThat(pipelines.findPipeline(pipeline.id())).contains(pipeline);
    assertThat(migrations).isGreaterThanOrEqualTo(2);
    assertThat(count("SELECT COUNT(*) FROM flyway_schema_history WHERE success = ?", true))
        .isEqualTo(migrations);
  }

  @Test
  void eight_threads_claiming_the_same_fifty_steps_claim_each_exactly_once() throws Exception {
    var names = new String[50];
    for (int i = 0; i < names.length; i++) {
      names[i] = "step" + i;
    }
    PipelineVersion version = createVersion(names);
    Map<String, Queue<String>> winners = new ConcurrentHashMap<>();
    var start = new CountDownLatch(1);
    var threads = Executors.newFixedThreadPool(8);
    try {
      var results = new ArrayList<Future<?>>();
      for (int thread = 0; thread < 8; thread++) {
        var order = new ArrayList<>(version.steps());
        Collections.shuffle(order, new Random(thread));
        String node = "node-" + thread;
        results.add(
            threads.submit(
                () -> {
                  start.await();
                  for (StepVersion step : order) {
                    if (runs.claimStep(step.id(), 0, node, null, at(1))) {
                      winners
                          .computeIfAbsent(step.id(), k -> new ConcurrentLinkedQueue<>())
                          .add(node);
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> result : results) {
        result.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(winners).hasSize(50).allSatisfy((step, nodes) -> assertThat(nodes).hasSize(1));
    assertThat(runs.findVersion(version.id()).orElseThrow().steps())
        .allSatisfy(step -> assertThat(step.attempt()).isEqualTo(1))
        .allSatisfy(step -> assertThat(winners.get(step.id())).containsExactly(step.claimedBy()));
    assertThat(
            count(
                "SELECT COUNT(*) FROM status_history WHERE pipeline_version = ?"
                    + " AND status = 'RUNNING'",
                version.id()))
        .isEqualTo(51);
  }

  @Override
  public long count(String sql, Object parameter) {
    try (var connection = DriverManager.getConnection(url);
        var statement = connection.prepareStatement(sql)) {
      statement.setObject(1, parameter);
      try (var result = statement.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void execute(String sql, String parameter) {
    try (var connection = DriverManager.getConnection(url);
        var statement = connection.prepareStatement(sql)) {
      statement.setString(1, parameter);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }
}
