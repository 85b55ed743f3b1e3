package dev.penstock.executor.local;

import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.local.StepStarter.StartException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts steps through one {@link ForkServer} per interpreter (the base Python and each virtual
 * environment), started on first use and started again when it has died. Servers of environments
 * idle for {@link #IDLE_LIMIT} are ended, so unused environments cost no memory. Thread-safe: the
 * table is guarded by one lock.
 */
final class ForkServers implements AutoCloseable {
  static final Duration IDLE_LIMIT = Duration.ofMinutes(10);
  private static final Logger LOG = LoggerFactory.getLogger(ForkServers.class);

  private final Path script;
  private final Path basePython;
  private final long maxOutputBytes;
  private final StepSandbox sandbox;
  private final int workerMaxSteps;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<Path, ForkServer> servers = new HashMap<>();
  private final Preloads preloads = new Preloads();
  private boolean closed;

  /**
   * @param script the extracted penstock_fork_server.py, beside penstock_runner.py
   * @param basePython the interpreter whose server is never ended for idleness
   * @param maxOutputBytes the most JSON a step may return
   * @param sandbox what the servers' children are confined to
   * @param workerMaxSteps how many steps a warm worker runs before another takes over
   */
  ForkServers(
      Path script, Path basePython, long maxOutputBytes, StepSandbox sandbox, int workerMaxSteps) {
    this.script = script;
    this.basePython = basePython;
    this.maxOutputBytes = maxOutputBytes;
    this.sandbox = sandbox;
    this.workerMaxSteps = workerMaxSteps;
  }

  /**
   * Starts the step in a child of {@code python}'s server: with {@code warm}, in a worker of its
   * run (one that ran the run's earlier steps, if one is free), else in a child of its own.
   */
  StepProcess start(StepLaunch launch, Path python, boolean warm) throws StartException {
    ForkServer server = serverFor(python);
    server.preload(preloads.toOffer(python, launch));
    ForkServer.Worker worker = warm && launch.runId() != null ? workerFor(launch) : null;
    try {
      return server.fork(launch, RunnerRequest.of(launch, maxOutputBytes), worker);
    } catch (StartException e) {
      if (server.alive()) {
        throw e;
      }
      // It died between our look and the fork: one more try, on a new server.
      return serverFor(python).fork(launch, RunnerRequest.of(launch, maxOutputBytes), worker);
    }
  }

  /**
   * The run's workers are confined to the folder of its working directories. The memory limit is
   * part of the key: a worker can lower its own, never raise it again.
   */
  private ForkServer.Worker workerFor(StepLaunch launch) {
    return new ForkServer.Worker(
        launch.runId() + "/" + launch.memoryGb() + "GB",
        launch.workDir().toAbsolutePath().getParent(),
        workerMaxSteps);
  }

  /** How many servers are alive now. */
  int alive() {
    lock.lock();
    try {
      return (int) servers.values().stream().filter(ForkServer::alive).count();
    } finally {
      lock.unlock();
    }
  }

  /** Ends the server of {@code python}, if any: its environment is about to be deleted. */
  void retire(Path python) {
    ForkServer server;
    lock.lock();
    try {
      server = servers.remove(python);
    } finally {
      lock.unlock();
    }
    preloads.forget(python);
    if (server != null) {
      server.close();
    }
  }

  /** Ends every server; their running children are killed. Later starts fail. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      servers.values().forEach(ForkServer::close);
      servers.clear();
    } finally {
      lock.unlock();
    }
  }

  private ForkServer serverFor(Path python) throws StartException {
    lock.lock();
    try {
      if (closed) {
        throw new StartException("the executor is shut down");
      }
      endIdleServers(python);
      ForkServer server = servers.get(python);
      if (server != null && server.alive()) {
        return server;
      }
      if (server != null) {
        LOG.warn("The fork server for {} (pid {}) ended; starting another", python, server.pid());
      }
      // Started under the lock: concurrent first steps must not each start a server.
      server =
          ForkServer.start(
              python,
              script,
              sandbox.settings("make", script.getParent()),
              loaded -> preloads.loaded(python, loaded));
      server.preload(preloads.loadedBy(python));
      servers.put(python, server);
      return server;
    } finally {
      lock.unlock();
    }
  }

  private void endIdleServers(Path wanted) {
    servers
        .entrySet()
        .removeIf(
            entry -> {
              Path python = entry.getKey();
              boolean idle =
                  !python.equals(wanted)
                      && !python.equals(basePython)
                      && entry.getValue().idleFor(IDLE_LIMIT);
              if (idle) {
                LOG.info("Ending the fork server for {}: idle for {}", python, IDLE_LIMIT);
                entry.getValue().close();
              }
              return idle;
            });
  }
}
