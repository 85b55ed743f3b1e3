package dev.penstock.executor.local;

import dev.penstock.executor.ExecutorException;
import dev.penstock.model.LogChunk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The attempts' logs an executor is writing now, by file, so that a read of one goes through its
 * writer (consistent with a rotation under way) and a read of any other goes to its files. Each log
 * is kept within {@code capBytes}. Thread-safe.
 */
public final class OpenLogs {
  private final long capBytes;
  private final Map<Path, CappedLog> open = new ConcurrentHashMap<>();

  public OpenLogs(long capBytes) {
    this.capBytes = capBytes;
  }

  /** Opens {@code file} for appending, as a log being written until {@link #closed}. */
  public CappedLog open(Path file) throws IOException {
    CappedLog log = CappedLog.open(file, capBytes);
    open.put(key(file), log);
    return log;
  }

  /** {@code log}, opened for {@code file}, is no longer written. */
  public void closed(Path file, CappedLog log) {
    open.remove(key(file), log);
  }

  public boolean writing(Path file) {
    return open.containsKey(key(file));
  }

  /** See {@link dev.penstock.executor.StepExecutor#readLog(Path)}. */
  public String read(Path file) {
    CappedLog log = open.get(key(file));
    return log != null ? log.read(capBytes) : CappedLog.read(file, capBytes);
  }

  /** See {@link dev.penstock.executor.StepExecutor#readLog(Path, long, int)}. */
  public LogChunk read(Path file, long from, int maxBytes) {
    CappedLog log = open.get(key(file));
    try {
      return log != null ? log.read(from, maxBytes) : LogRange.read(file, from, maxBytes);
    } catch (IOException | RuntimeException e) {
      throw new ExecutorException("the log " + file + " cannot be read: " + e, null, e);
    }
  }

  public void clear() {
    open.clear();
  }

  private static Path key(Path file) {
    return file.toAbsolutePath().normalize();
  }
}
