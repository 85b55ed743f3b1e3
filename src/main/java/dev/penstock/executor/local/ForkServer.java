package dev.penstock.executor.local;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.penstock.executor.ServerEnvironment;
import dev.penstock.executor.StepLaunch;
import dev.penstock.executor.local.StepStarter.StartException;
import dev.penstock.executor.python.PythonVersion;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One warm Python ({@code penstock_fork_server.py}) that forks a child per step, driven over its
 * stdin and stdout with one JSON object a line (the protocol is in the script's docstring). A
 * child's output reaches Java through a pipe the server made: Java opens its read end under
 * /proc/&lt;server&gt;/fd, so the log is pumped and capped as for a fresh process. When the server
 * dies, its children are killed and their exits complete with {@link
 * StepProcess.WorkerLostException}. Thread-safe: the children table has one lock, writes another;
 * the thread reading events never waits for a write, so a full pipe cannot deadlock the two sides.
 */
final class ForkServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ForkServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  // Generous: a step's fork may wait behind a preload (up to 20 s a line, in the script).
  private static final Duration FORK_TIMEOUT = Duration.ofSeconds(90);

  private final Path python;
  private final Process process;
  private final OutputStream requests;
  private final StderrTail stderr;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Map<Long, ForkedStepProcess> children = new LinkedHashMap<>();
  private final AtomicLong nextId = new AtomicLong();
  private final Consumer<List<String>> onPreloaded;
  private volatile boolean dead;
  private volatile String retired;
  private volatile long lastUsedNanos = System.nanoTime();

  private ForkServer(Path python, Process process, Consumer<List<String>> onPreloaded) {
    this.python = python;
    this.process = process;
    this.onPreloaded = onPreloaded;
    this.requests = process.getOutputStream();
    this.stderr = StderrTail.start(process, "penstock-fork-server-" + process.pid());
    // Platform, like every reader of a pipe: see LogPump.
    Thread.ofPlatform()
        .daemon()
        .name("penstock-fork-server-" + process.pid())
        .start(this::readEvents);
  }

  /**
   * Starts a fork server on {@code python} and waits until it is warm.
   *
   * @param sandbox penstock_sandbox's settings for its children, or null for none
   * @param onPreloaded told the modules each {@link #preload} loaded
   */
  static ForkServer start(
      Path python, Path script, Map<String, Object> sandbox, Consumer<List<String>> onPreloaded)
      throws StartException {
    var command = new ArrayList<>(List.of(python.toString(), "-u", script.toString()));
    if (sandbox != null) {
      try {
        command.addAll(List.of("--sandbox", JSON.writeValueAsString(sandbox)));
      } catch (JsonProcessingException e) {
        throw new StartException("cannot write the sandbox settings: " + e.getMessage());
      }
    }
    var builder = new ProcessBuilder(command).directory(script.getParent().toFile());
    ServerEnvironment.scrub(builder.environment());
    FreshProcessStarter.activate(builder.environment(), python); // its children inherit it
    builder
        .environment()
        .put(
            LocalProcessExecutor.PARENT_PID_VARIABLE, Long.toString(ProcessHandle.current().pid()));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new StartException(PythonVersion.cannotStart(python, e.getMessage()));
    }
    var server = new ForkServer(python, process, onPreloaded);
    try {
      server.ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new StartException(
          "the fork server for "
              + python
              + " did not start: "
              + (e.getCause() != null ? e.getCause().getMessage() : e.toString())
              + server.stderr.text(process));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new StartException("interrupted while the fork server for " + python + " started");
    }
    LOG.info("Started the fork server for {} (pid {})", python, process.pid());
    return server;
  }

  /**
   * Which warm worker may run a step: one of {@code key} (a run, and what its process cannot change
   * between steps), confined to {@code root}, replaced after {@code maxSteps} steps.
   */
  record Worker(String key, Path root, int maxSteps) {
    Worker {
      if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("a worker key is one word: " + key);
      }
    }
  }

  /**
   * Starts the child for {@code launch} with the runner's request, or, given {@code worker}, hands
   * it to a warm worker (see penstock_worker.py); returns once it runs.
   */
  StepProcess fork(StepLaunch launch, Map<String, Object> runnerRequest, Worker worker)
      throws StartException {
    lastUsedNanos = System.nanoTime();
    long id = nextId.incrementAndGet();
    var child =
        worker == null
            ? new ForkedStepProcess()
            : new ForkedStepProcess(
                signal ->
                    send(
                        ("signal " + id + " " + signal).getBytes(StandardCharsets.US_ASCII),
                        new byte[0]));
    var request = new LinkedHashMap<String, Object>();
    request.put("work_dir", launch.workDir().toAbsolutePath().toString());
    request.put("environment", launch.environment() == null ? Map.of() : launch.environment());
    request.put("request", runnerRequest);
    if (worker != null) {
      request.put(
          "worker",
          Map.of(
              "root", worker.root().toAbsolutePath().toString(), "max_steps", worker.maxSteps()));
    }
    lock.lock();
    try {
      if (dead) {
        throw new StartException(diedMessage());
      }
      children.put(id, child); // under died()'s lock: a death from now on fails it too
    } finally {
      lock.unlock();
    }
    byte[] json;
    try {
      json = JSON.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      forget(id);
      throw new StartException("cannot write the step's request: " + e.getMessage());
    }
    String head = worker == null ? "run " + id + " " : "warm " + id + " " + worker.key() + " ";
    send(head.getBytes(StandardCharsets.US_ASCII), json);
    try {
      child.awaitStart(FORK_TIMEOUT);
    } catch (StartException e) {
      forget(id);
      throw e;
    }
    return child;
  }

  /**
   * Asks the server to import {@code modules} before it forks the next step: steps that import them
   * then find them loaded. Requests sent after this wait for it.
   */
  void preload(List<String> modules) {
    if (!modules.isEmpty()) {
      send(("preload " + String.join(" ", modules)).getBytes(StandardCharsets.UTF_8), new byte[0]);
    }
  }

  /** Whether it takes steps: not dead, and not retired by a preload that made forking unsafe. */
  boolean alive() {
    return !dead && retired == null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  /** Whether no step has been forked for {@code idle} and none is running. */
  boolean idleFor(Duration idle) {
    lock.lock();
    try {
      return children.isEmpty() && System.nanoTime() - lastUsedNanos > idle.toNanos();
    } finally {
      lock.unlock();
    }
  }

  /** Ends the server: closing its stdin makes it kill its children's groups and exit. */
  @Override
  public void close() {
    writeLock.lock();
    try {
      requests.close();
    } catch (IOException e) {
      process.destroyForcibly();
    } finally {
      writeLock.unlock();
    }
  }

  private void readEvents() {
    var reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    try (reader) {
      String line;
      while ((line = reader.readLine()) != null) {
        handle(JSON.readTree(line));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Lost the fork server for {} (pid {}): {}", python, process.pid(), e.toString());
    } finally {
      died();
    }
  }

  private void handle(JsonNode event) {
    String kind = event.path("event").asText();
    if (kind.equals("ready")) {
      ready.complete(null);
      return;
    }
    if (kind.equals("preloaded")) {
      preloaded(event);
      return;
    }
    long id = event.path("id").asLong();
    ForkedStepProcess child = child(id);
    switch (kind) {
      case "started" -> started(id, child, event.path("pid").asLong(), event.path("fd").asInt());
      case "exited" -> {
        forget(id);
        if (child != null) {
          child.exitedWith(event.path("code").asInt());
        }
      }
      case "failed" -> {
        forget(id);
        if (child != null) {
          child.startFailed(
              "the fork server could not start the step: " + event.path("message").asText());
        }
      }
      default -> LOG.warn("Unknown event from the fork server for {}: {}", python, event);
    }
  }

  private void preloaded(JsonNode event) {
    var loaded = new ArrayList<String>();
    event.path("loaded").forEach(name -> loaded.add(name.asText()));
    if (!loaded.isEmpty()) {
      LOG.info("The fork server for {} preloaded {}", python, String.join(", ", loaded));
      onPreloaded.accept(loaded);
    }
    event
        .path("skipped")
        .properties()
        .forEach(
            skip ->
                LOG.info(
                    "The fork server for {} did not preload {}: {}",
                    python,
                    skip.getKey(),
                    skip.getValue().asText()));
    if (event.path("retired").isTextual()) {
      retired = event.path("retired").asText();
      LOG.warn("Retiring the fork server for {} (pid {}): {}", python, process.pid(), retired);
      closeWhenIdle();
    }
  }

  /** Hands the child its output pipe, then lets the server close its own end of it. */
  private void started(long id, ForkedStepProcess child, long pid, int fd) {
    Path pipe = Path.of("/proc/" + process.pid() + "/fd/" + fd);
    if (child != null) {
      child.started(pid, pipe); // opens it: before the release below
    } else { // its fork gave up waiting: nobody would watch the step
      ProcessTree.killGroup(pid);
    }
    Thread.ofVirtual()
        .name("penstock-fork-release")
        .start(() -> send(("release " + id).getBytes(StandardCharsets.US_ASCII), new byte[0]));
  }

  private void died() {
    var orphans = new ArrayList<ForkedStepProcess>();
    lock.lock();
    try {
      dead = true;
      orphans.addAll(children.values());
      children.clear();
    } finally {
      lock.unlock();
    }
    ready.completeExceptionally(new IOException("it exited before it was ready"));
    String message = diedMessage();
    if (!orphans.isEmpty()) {
      LOG.warn("{}; failing its {} running steps", message, orphans.size());
    }
    orphans.forEach(orphan -> orphan.lost(message));
  }

  private String diedMessage() {
    return "the fork server for " + python + " (pid " + process.pid() + ") died";
  }

  private ForkedStepProcess child(long id) {
    lock.lock();
    try {
      return children.get(id);
    } finally {
      lock.unlock();
    }
  }

  private void forget(long id) {
    lock.lock();
    try {
      children.remove(id);
    } finally {
      lock.unlock();
    }
    if (retired != null) {
      closeWhenIdle();
    }
  }

  /** A retired server ends once the steps it runs have: closing it would kill them. */
  private void closeWhenIdle() {
    lock.lock();
    try {
      if (!children.isEmpty()) {
        return;
      }
    } finally {
      lock.unlock();
    }
    close();
  }

  /**
   * Writes one request line: its head, then its JSON, if any. A dead server's requests are lost;
   * its EOF fails their steps.
   */
  private void send(byte[] head, byte[] json) {
    writeLock.lock();
    try {
      requests.write(head);
      requests.write(json);
      requests.write('\n');
      requests.flush();
    } catch (IOException e) {
      LOG.debug("Cannot write to the fork server for {}: {}", python, e.toString());
    } finally {
      writeLock.unlock();
    }
  }
}
