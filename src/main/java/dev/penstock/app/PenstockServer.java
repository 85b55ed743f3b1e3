package dev.penstock.app;

import dev.penstock.api.ApiServer;
import dev.penstock.api.Limits;
import dev.penstock.api.ListenException;
import dev.penstock.api.OpsRoutes;
import dev.penstock.engine.access.ApiKeys;
import dev.penstock.engine.artifact.Artifacts;
import dev.penstock.engine.artifact.ValueLimits;
import dev.penstock.engine.attempt.AttemptUploads;
import dev.penstock.engine.attempt.Lease;
import dev.penstock.engine.attempt.RunKeys;
import dev.penstock.engine.attempt.StepLauncher;
import dev.penstock.engine.attempt.StepLogs;
import dev.penstock.engine.attempt.Workspace;
import dev.penstock.engine.cron.CronTicker;
import dev.penstock.engine.cron.Schedules;
import dev.penstock.engine.definition.Definitions;
import dev.penstock.engine.definition.Functions;
import dev.penstock.engine.definition.Ids;
import dev.penstock.engine.definition.Modules;
import dev.penstock.engine.run.RunControl;
import dev.penstock.engine.run.RunWaits;
import dev.penstock.engine.run.Runs;
import dev.penstock.engine.run.Scheduler;
import dev.penstock.engine.upkeep.Pruner;
import dev.penstock.engine.upkeep.Sweeper;
import dev.penstock.executor.ExecutorException;
import dev.penstock.executor.local.RunnerResults;
import dev.penstock.executor.local.SandboxProbe.Platform;
import dev.penstock.executor.local.StepSandbox;
import dev.penstock.executor.python.LocalPythonInspector;
import dev.penstock.executor.python.PythonVersion;
import dev.penstock.store.ArtifactFiles;
import dev.penstock.store.StoreException;
import dev.penstock.store.files.LocalArtifactFiles;
import dev.penstock.store.jdbc.JdbcStores;
import dev.penstock.store.s3.S3ArtifactFiles;
import dev.penstock.store.s3.S3Location;
import dev.penstock.web.WebUi;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds every object with {@code new}, in the order they depend on each
 * other, and offers {@link #start}, {@link #stop} and {@link #port}, nothing more. Thread-safe.
 */
public final class PenstockServer {
  private static final Logger log = LoggerFactory.getLogger(PenstockServer.class);
  public static final String VERSION = "1.4.105";

  private final DataDir dataDir;
  private final ServerMetrics metrics;
  private final JdbcStores stores;
  private final StepExecutors executors;
  private final ArtifactFiles artifactFiles;
  private final LocalPythonInspector inspector;
  private final StepLauncher launcher;
  private final Scheduler scheduler;
  private final Sweeper sweeper;
  private final Pruner pruner;
  private final CronTicker cronTicker;
  private final ApiServer api;
  private final String adminKeyNotice;
  private final Duration drainGrace;
  private volatile boolean stopping;

  private PenstockServer(
      PenstockConfig config, InstantSource clock, Function<Platform, Platform> platformSeam) {
    String pythonVersion = checkPython(config.python());
    this.drainGrace = config.drainGrace();
    this.dataDir = DataDir.open(config.dataDir());
    this.metrics = new ServerMetrics(config.dataDir());
    StepSandbox sandbox;
    try {
      sandbox = SandboxSetup.choose(config, platformSeam);
      // The default database lives in the data directory; one named by --db-url is its own.
      dataDir.secure(sandbox.user() != null, config.databaseUrl() == null);
      this.stores =
          JdbcStores.open(
              config.effectiveDatabaseUrl(),
              config.databaseUser(),
              config.databasePassword(),
              metrics.registry());
    } catch (StoreException e) {
      metrics.close();
      dataDir.close();
      throw new ConfigException(e.getMessage() + ": " + rootMessage(e));
    } catch (RuntimeException e) {
      metrics.close();
      dataDir.close();
      throw e;
    }
    var apiKeys = new ApiKeys(stores.apiKeys(), clock);
    this.adminKeyNotice = ensureAdminKey(apiKeys, config);
    String nodeId = nodeId();
    Path runnerDir = config.dataDir().resolve("runner");
    this.inspector = new LocalPythonInspector(Path.of(config.python()), runnerDir);
    var workspace = new Workspace(config.dataDir());
    var runKeys = new RunKeys(dataDir.runKeySecret());
    var urlHolder = new String[1];
    var runnerResults = new RunnerResults(config.maxOutputBytes());
    this.executors =
        new StepExecutors(config, sandbox, runnerDir, runnerResults, runKeys, () -> urlHolder[0]);
    metrics.watchForkServers(executors.local()::forkServersAlive);
    boolean sharedStore = !stores.dialect().exclusiveToOneServer();
    var sweeperSettings =
        new Sweeper.Settings(
            nodeId,
            config.heartbeatInterval(),
            config.heartbeatMissedLimit(),
            config.sweepInterval());
    var lease = sharedStore ? Lease.lapsingAfter(sweeperSettings.leaseTerm()) : Lease.forever();
    this.artifactFiles = artifactFiles(config, workspace);
    if (sharedStore && config.artifactStore() == null) {
      log.info(
          "Artifacts are kept in this server's data directory, where steps that other servers on"
              + " the database run cannot read them: give every server the same --artifact-store"
              + " s3://... to pass values by reference between servers");
    }
    this.launcher =
        new StepLauncher(
            stores.runs(),
            artifactFiles,
            stores.logs(),
            executors.placed(),
            workspace,
            runKeys,
            clock,
            new StepLauncher.Settings(
                nodeId,
                () -> urlHolder[0],
                config.parallelLimit(),
                config.stepRequirements(),
                new ValueLimits(config.inlineOutputBytes(), config.maxArtifactBytes()),
                lease,
                config.logCapBytes()),
            metrics.registry());
    var waits = new RunWaits(stores.runs());
    this.scheduler =
        new Scheduler(
            stores.runs(), launcher, waits, stores.runEvents(), clock, metrics.registry());
    this.sweeper =
        new Sweeper(stores.runs(), scheduler, launcher, clock, sweeperSettings, lease, sharedStore);
    this.pruner =
        new Pruner(
            stores.runs(),
            artifactFiles,
            workspace,
            clock,
            new Pruner.Settings(
                config.retentionKeepLast(), config.retentionMaxAge(), config.retentionInterval()));
    var runs = new Runs(stores.pipelines(), stores.modules(), stores.runs(), scheduler, clock);
    this.cronTicker = new CronTicker(stores.pipelines(), runs, clock, config.scheduleTick());
    var services =
        new ApiServer.Services(
            stores.pipelines(),
            stores.runs(),
            apiKeys,
            new Definitions(stores.pipelines(), inspector, clock),
            new Functions(stores.pipelines(), inspector, clock),
            runs,
            new RunControl(stores.runs(), stores.runEvents(), scheduler, launcher, clock),
            new Modules(stores.modules(), inspector, clock),
            stores.modules(),
            new StepLogs(executors.placed(), workspace, stores.logs()),
            runKeys,
            new Schedules(stores.pipelines(), clock),
            waits,
            new Artifacts(stores.runs(), artifactFiles),
            new AttemptUploads(
                stores.runs(),
                workspace,
                runKeys,
                RunnerResults.KEPT_FOLDERS,
                runnerResults.maxResultBytes(),
                config.maxArtifactBytes(),
                config.stepDiskBudgetBytes()));
    boolean servesUsers = config.roles().contains(ServerRole.API);
    var webUi =
        new WebUi(
            new WebUi.Services(
                stores.pipelines(),
                stores.runs(),
                stores.overview(),
                apiKeys,
                runs,
                services.control(),
                services.schedules(),
                services.logs(),
                clock,
                services.artifacts()));
    this.api =
        new ApiServer(
            services,
            new Limits(
                config.maxBodyBytes(),
                config.maxNameLength(),
                config.maxValueBytes(),
                config.maxJsonDepth()),
            VERSION,
            operations(config),
            servesUsers ? webUi : pages -> {},
            servesUsers ? webUi::notFound : null,
            servesUsers);
    if (!config.roles().contains(ServerRole.WORKER)) {
      launcher.stopClaiming(); // the api role alone: other servers run the steps
    }
    try {
      api.start(config.host(), config.port());
      urlHolder[0] = api.baseUrl();
      executors.start(); // before recovery, which adopts the Jobs still running
    } catch (ListenException | ExecutorException e) {
      // Nothing has started yet but what was built: give it all back before saying why.
      api.stop();
      executors.close();
      closeArtifactFiles();
      inspector.close();
      stores.close();
      metrics.close();
      dataDir.close();
      throw new ConfigException(e.getMessage());
    }
    log.info(
        "Steps run in Python {} ({})",
        pythonVersion.lines().findFirst().orElse(""),
        config.python());
    log.info(sandbox.describe());
    sweeper.recoverAtStartup(stores.dialect().exclusiveToOneServer());
    scheduler.start();
    // What another server on the database changes reaches this one's planners and steps at once.
    stores.runEvents().listen(scheduler::heard);
    sweeper.start();
    pruner.start();
    cronTicker.start();
  }

  /** Builds and starts a server; when this returns, requests are accepted. */
  public static PenstockServer start(PenstockConfig config) {
    return start(config, InstantSource.system());
  }

  /** As {@link #start(PenstockConfig)} on the given clock, so tests can move time. */
  public static PenstockServer start(PenstockConfig config, InstantSource clock) {
    return new PenstockServer(config, clock, platform -> platform);
  }

  /**
   * As {@link #start(PenstockConfig)}, on a machine that offers steps what {@code platformSeam}
   * makes of what it really offers: for tests of machines this one is not.
   */
  public static PenstockServer start(
      PenstockConfig config, Function<Platform, Platform> platformSeam) {
    return new PenstockServer(config, InstantSource.system(), platformSeam);
  }

  public int port() {
    return api.port();
  }

  public String url() {
    return api.baseUrl();
  }

  /** What to tell the operator about the admin key: set only on the first start. */
  public String adminKeyNotice() {
    return adminKeyNotice;
  }

  /**
   * Drains, then closes: stops starting steps and lets those running finish for up to the drain
   * grace, the API still serving them (readiness says the server is stopping); then stops accepting
   * requests and hands the steps still running back to PENDING, for another server or the next
   * start to run again.
   */
  public synchronized void stop() {
    stopping = true;
    cronTicker.stop();
    pruner.stop();
    drain();
    api.stop();
    sweeper.stop();
    scheduler.stop();
    launcher.shutdown();
    executors.close();
    closeArtifactFiles();
    inspector.close();
    stores.close();
    metrics.close();
    dataDir.close();
  }

  private void drain() {
    int running = launcher.running().count();
    if (running == 0 || drainGrace.isZero()) {
      return;
    }
    log.info("Stopping: waiting up to {} for {} running steps to finish", drainGrace, running);
    try {
      int left = launcher.drain(drainGrace);
      if (left > 0) {
        log.info("Stopping: handing {} steps still running back, to run again", left);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The data directory, or the S3-compatible store the configuration names. */
  private static ArtifactFiles artifactFiles(PenstockConfig config, Workspace workspace) {
    if (config.artifactStore() == null) {
      return new LocalArtifactFiles(workspace::runDir);
    }
    var files =
        S3ArtifactFiles.connect(
            S3Location.parse(config.artifactStore()),
            config.s3Endpoint() == null ? null : URI.create(config.s3Endpoint()));
    log.info("Artifacts are kept in {}", files.describe());
    return files;
  }

  private void closeArtifactFiles() {
    if (artifactFiles instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        log.warn("Could not close the artifact store {}", artifactFiles.describe(), e);
      }
    }
  }

  /** Health, readiness and metrics for operators; the gauges only this class can wire. */
  private OpsRoutes operations(PenstockConfig config) {
    StatusGauges.register(stores.statusCounts(), metrics.registry());
    var readiness =
        new ServerReadiness(
            stores.statusCounts(),
            List.of(
                new ServerReadiness.Part(
                    "scheduler", scheduler::running, "the scheduler is not running"),
                new ServerReadiness.Part("sweeper", sweeper::running, "the sweeper is not running"),
                new ServerReadiness.Part("server", () -> !stopping, "the server is stopping")));
    return new OpsRoutes(
        metrics.registry(), metrics::scrape, readiness, config.metricsRequireKey());
  }

  /**
   * Adds the operator's admin key, or generates the first one. The first admin key is saved where
   * the operator can read it and no step can; a generated one is also printed, once.
   */
  private String ensureAdminKey(ApiKeys apiKeys, PenstockConfig config) {
    boolean firstStart = !apiKeys.hasAdminKey();
    var added = apiKeys.ensureAdminKey(config.adminApiKey()).orElse(null);
    if (added == null) {
      return null;
    }
    if (!firstStart) {
      log.info("Added the admin API key given in the configuration as key {}", added.stored().id());
      return null;
    }
    Path file = dataDir.writeAdminKey(added.key());
    if (config.adminApiKey() != null) {
      return "Saved the admin API key given in the configuration in " + file.toAbsolutePath();
    }
    return "Created the admin API key "
        + added.key()
        + " (also saved in "
        + file.toAbsolutePath()
        + ")";
  }

  /** The Python's version; one that cannot run stops start-up, since no step could. */
  private static String checkPython(String python) {
    try {
      return PythonVersion.require(Path.of(python));
    } catch (ExecutorException e) {
      throw new ConfigException("python=" + python + ": " + e.getMessage());
    }
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }

  /** New at each start, so a restarted server never takes its predecessor's claims for its own. */
  private static String nodeId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid() + "-" + Ids.newId().substring(0, 6);
  }
}
