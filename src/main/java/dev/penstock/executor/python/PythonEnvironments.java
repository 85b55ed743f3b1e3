package dev.penstock.executor.python;

import dev.penstock.executor.python.EnvironmentBuilder.EnvironmentException;
import dev.penstock.model.FailureCause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives each step the interpreter for its packageRequirements: the base Python when it has none,
 * otherwise the environment cached for the set (see {@link EnvironmentDirectory}), built once. In
 * this JVM one thread at a time handles a set, so concurrent steps wait for one build; between
 * server processes the set's file lock does the same. A failed build is not kept; steps that were
 * waiting for it fail with its error. Past {@code limitBytes}, the least recently used environments
 * no step is using are deleted. Thread-safe: each set's state is guarded by its slot's lock.
 */
public final class PythonEnvironments {
  private static final Logger LOG = LoggerFactory.getLogger(PythonEnvironments.class);

  /** An interpreter, held until the step's process has ended; close releases it. */
  public record Lease(Path python, long millis, Runnable release) implements AutoCloseable {
    @Override
    public void close() {
      release.run();
    }
  }

  /**
   * One requirement set's state in this JVM. It keeps one channel on the set's lock file for good:
   * closing any channel of a file drops every lock this process holds on it.
   */
  private static final class Slot {
    final ReentrantLock lock = new ReentrantLock();
    int users; // while above 0, `held` is a shared lock on the set's lock file
    FileChannel channel;
    FileLock held;
    long failedAtNanos;
    String failure;
  }

  private final Path basePython;
  private final EnvironmentDirectory directory;
  private final long limitBytes;
  private final EnvironmentBuilder builder;
  private final EnvironmentEviction eviction;
  private final Map<String, Slot> slots = new ConcurrentHashMap<>();
  private volatile String interpreter;

  /**
   * @param onEvicted told the interpreter of an environment about to be deleted
   */
  public PythonEnvironments(
      Path basePython,
      Path root,
      long limitBytes,
      EnvironmentBuilder builder,
      Consumer<Path> onEvicted) {
    this.basePython = basePython;
    this.directory = new EnvironmentDirectory(root);
    this.limitBytes = limitBytes;
    this.builder = builder;
    this.eviction = new EnvironmentEviction(directory, onEvicted);
  }

  /** The interpreter for {@code requirements}, building its environment first when needed. */
  public Lease acquire(List<String> requirements, BuildLog log) throws EnvironmentException {
    long asked = System.nanoTime();
    RequirementSet set;
    try {
      set = RequirementSet.of(requirements);
    } catch (IllegalArgumentException e) {
      throw new EnvironmentException(FailureCause.MISSING_PACKAGES, e.getMessage());
    }
    if (set.isEmpty()) {
      return new Lease(basePython, 0, () -> {});
    }
    String key = set.key(interpreter());
    Slot slot = slots.computeIfAbsent(key, ignored -> new Slot());
    if (!slot.lock.tryLock()) {
      note(log, "waiting for the Python environment " + key + ", which another step is building");
      slot.lock.lock();
    }
    try {
      Path environment = useExisting(key, slot, log);
      if (environment != null) {
        note(log, "using the cached Python environment " + key + " for: " + set);
      } else if (slot.failedAtNanos - asked > 0) { // it failed while this step waited for it
        note(log, slot.failure);
        throw new EnvironmentException(FailureCause.MISSING_PACKAGES, slot.failure);
      } else {
        environment = build(key, set, slot, log);
      }
      directory.touch(environment);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked);
      return new Lease(environment.resolve("bin/python"), millis, () -> release(slot, key));
    } catch (IOException | UncheckedIOException e) {
      throw new EnvironmentException(
          FailureCause.LAUNCH_FAILED, "cannot use the Python environment " + key + ": " + e);
    } finally {
      slot.lock.unlock();
    }
  }

  /** Takes a use of the set's environment if it is published; the caller holds the slot lock. */
  private Path useExisting(String key, Slot slot, BuildLog log) throws IOException {
    if (slot.users == 0) {
      slot.held = channel(key, slot).tryLock(0, Long.MAX_VALUE, true);
      if (slot.held == null) {
        note(log, "waiting for another Penstock server's build of the Python environment " + key);
        slot.held = slot.channel.lock(0, Long.MAX_VALUE, true);
      }
    }
    Path environment = directory.published(key);
    if (environment != null) {
      slot.users++;
    } else if (slot.users == 0) {
      slot.held.release();
      slot.held = null;
    }
    return environment;
  }

  private Path build(String key, RequirementSet set, Slot slot, BuildLog log)
      throws IOException, EnvironmentException {
    if (slot.users > 0) {
      throw new IOException("its directory disappeared while steps were using it");
    }
    Path environment;
    try (FileLock exclusive = channel(key, slot).lock()) {
      environment = directory.published(key); // another server may have built it meanwhile
      if (environment == null) {
        environment = buildLocked(key, set, slot, log);
      }
    }
    slot.held = slot.channel.lock(0, Long.MAX_VALUE, true);
    slot.users++;
    eviction.evictPast(limitBytes, key, this::lockForEviction);
    return environment;
  }

  private Path buildLocked(String key, RequirementSet set, Slot slot, BuildLog log)
      throws IOException, EnvironmentException {
    Path build = directory.newBuild(key);
    note(log, "building a Python environment for: " + set + " (" + build + ")");
    long start = System.nanoTime();
    try {
      builder.build(basePython, build, set.requirements(), log);
      directory.publish(key, build, set, millisSince(start));
    } catch (EnvironmentException | IOException | RuntimeException e) {
      note(log, "building the Python environment failed after " + seconds(start));
      EnvironmentDirectory.deleteRecursively(build);
      slot.failure = e.getMessage();
      slot.failedAtNanos = System.nanoTime();
      throw e;
    }
    note(log, "built the Python environment in " + seconds(start));
    LOG.info("Built the Python environment {} for {} in {}", key, set, seconds(start));
    return build;
  }

  private void release(Slot slot, String key) {
    slot.lock.lock();
    try {
      Path environment = directory.published(key);
      if (environment != null) {
        directory.touch(environment);
      }
      if (--slot.users == 0) {
        slot.held.release();
        slot.held = null;
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("Cannot release the Python environment {}: {}", key, e.toString());
    } finally {
      slot.lock.unlock();
    }
  }

  /**
   * Locks an environment for deletion if nobody uses it here (its slot, no users) or in another
   * server (the file lock). Returns the unlock action, or null when it is in use.
   */
  private Runnable lockForEviction(String key) {
    Slot slot = slots.computeIfAbsent(key, ignored -> new Slot());
    if (!slot.lock.tryLock()) {
      return null;
    }
    try {
      FileLock exclusive = slot.users == 0 ? channel(key, slot).tryLock() : null;
      if (exclusive != null) {
        return () -> {
          releaseQuietly(exclusive);
          slot.lock.unlock();
        };
      }
    } catch (IOException e) {
      LOG.warn("Cannot lock the Python environment {} to delete it: {}", key, e.toString());
    }
    slot.lock.unlock();
    return null;
  }

  private String interpreter() throws EnvironmentException {
    if (interpreter == null) {
      interpreter = basePython + "\n" + PythonVersion.of(basePython);
    }
    return interpreter;
  }

  private FileChannel channel(String key, Slot slot) throws IOException {
    if (slot.channel == null) {
      slot.channel =
          FileChannel.open(
              directory.lockFile(key),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ, // a shared lock needs it
              StandardOpenOption.WRITE);
    }
    return slot.channel;
  }

  private static void releaseQuietly(FileLock lock) {
    try {
      lock.release();
    } catch (IOException e) {
      // the lock goes with the channel at the latest
    }
  }

  private static void note(BuildLog log, String line) {
    log.line("[penstock] " + line);
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  private static String seconds(long startNanos) {
    return String.format("%.1f s", millisSince(startNanos) / 1000.0);
  }
}
