package dev.penstock.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.penstock.store.ApiKeyStore;
import dev.penstock.store.LogStore;
import dev.penstock.store.ModuleStore;
import dev.penstock.store.PipelineStore;
import dev.penstock.store.RunEvents;
import dev.penstock.store.RunOverview;
import dev.penstock.store.RunStore;
import dev.penstock.store.StatusCounts;
import dev.penstock.store.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * Opens one database, brings its schema up to date, and hands out the stores that share its
 * connection pool. Thread-safe; {@link #close()} once, after the last store call.
 */
public final class JdbcStores implements AutoCloseable {
  private final Dialect dialect;
  private final HikariDataSource pool;
  private final JdbcPipelineStore pipelines;
  private final JdbcRunStore runs;
  private final JdbcApiKeyStore apiKeys;
  private final JdbcModuleStore modules;
  private final JdbcStatusCounts statusCounts;
  private final JdbcRunOverview overview;
  private final RunEvents runEvents;
  private final LogStore logs;

  private JdbcStores(
      Dialect dialect,
      HikariDataSource pool,
      MeterRegistry registry,
      String url,
      String user,
      String password) {
    this.dialect = dialect;
    this.pool = pool;
    var database = new Database(Jdbi.create(pool), dialect, pool.getMaximumPoolSize(), registry);
    this.runEvents =
        dialect.exclusiveToOneServer()
            ? RunEvents.NONE
            : new PostgresRunEvents(database, url, user, password);
    this.logs = dialect.exclusiveToOneServer() ? LogStore.NONE : new JdbcLogStore(database);
    this.pipelines = new JdbcPipelineStore(database);
    this.runs = new JdbcRunStore(database);
    this.apiKeys = new JdbcApiKeyStore(database);
    this.modules = new JdbcModuleStore(database);
    this.statusCounts = new JdbcStatusCounts(database);
    this.overview = new JdbcRunOverview(database);
  }

  /**
   * As {@link #open(String, String, String, MeterRegistry)}, timing the store's operations in a
   * registry of their own: for tests and tools that do not read them.
   */
  public static JdbcStores open(String jdbcUrl, String user, String password) {
    return open(jdbcUrl, user, password, new SimpleMeterRegistry());
  }

  /**
   * Connects to {@code jdbcUrl} ({@code jdbc:sqlite:FILE} or {@code jdbc:postgresql://...}; user
   * and password may be null) and runs the pending migrations; every transaction and read is timed
   * in {@code registry}. Throws StoreException when the database cannot be reached or migrated.
   */
  public static JdbcStores open(
      String jdbcUrl, String user, String password, MeterRegistry registry) {
    Dialect dialect = Dialect.forUrl(jdbcUrl);
    var config = new HikariConfig();
    config.setPoolName("penstock-store");
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    dialect.prepare(config);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new StoreException("Cannot connect to the database " + withoutQuery(jdbcUrl), e);
    }
    try {
      Flyway.configure().dataSource(pool).locations(dialect.migrationLocation()).load().migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw new StoreException("Cannot migrate the database " + withoutQuery(jdbcUrl), e);
    }
    return new JdbcStores(dialect, pool, registry, jdbcUrl, user, password);
  }

  public PipelineStore pipelines() {
    return pipelines;
  }

  public RunStore runs() {
    return runs;
  }

  public ApiKeyStore apiKeys() {
    return apiKeys;
  }

  public ModuleStore modules() {
    return modules;
  }

  public StatusCounts statusCounts() {
    return statusCounts;
  }

  public RunOverview overview() {
    return overview;
  }

  public Dialect dialect() {
    return dialect;
  }

  /** Changes to runs announced to every server on this database (none to tell for SQLite). */
  public RunEvents runEvents() {
    return runEvents;
  }

  /** Step logs shipped to the database (none for SQLite: its one server has them all). */
  public LogStore logs() {
    return logs;
  }

  /** Stops listening for run events and closes the connection pool; the stores fail after this. */
  @Override
  public void close() {
    runEvents.close();
    pool.close();
  }

  /** The URL without its query string, where a password may hide: safe to put in a message. */
  static String withoutQuery(String jdbcUrl) {
    if (jdbcUrl == null) {
      return "null";
    }
    int query = jdbcUrl.indexOf('?');
    return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
  }
}
