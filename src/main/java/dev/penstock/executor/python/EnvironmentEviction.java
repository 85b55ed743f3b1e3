package dev.penstock.executor.python;

import dev.penstock.executor.python.EnvironmentDirectory.Entry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the environment cache within its size limit by deleting the least recently used
 * environments that no step uses. Thread-safe: stateless; each deletion holds that environment's
 * locks.
 */
final class EnvironmentEviction {
  private static final Logger LOG = LoggerFactory.getLogger(EnvironmentEviction.class);

  private final EnvironmentDirectory directory;
  private final Consumer<Path> onEvicted;

  EnvironmentEviction(EnvironmentDirectory directory, Consumer<Path> onEvicted) {
    this.directory = directory;
    this.onEvicted = onEvicted;
  }

  /**
   * Deletes environments, oldest last use first, until the cache holds at most {@code limitBytes}
   * or nothing else can go. {@code keep} (the one just built) stays. {@code lockForDeletion} gives
   * an unlock action when the key is free to delete, or null when it is in use.
   */
  void evictPast(long limitBytes, String keep, Function<String, Runnable> lockForDeletion) {
    List<Entry> entries;
    try {
      entries = new ArrayList<>(directory.entries());
    } catch (IOException e) {
      LOG.warn("Cannot list the Python environments to keep their size: {}", e.toString());
      return;
    }
    long total = entries.stream().mapToLong(Entry::sizeBytes).sum();
    entries.sort(Comparator.comparing(Entry::lastUsed));
    for (Entry entry : entries) {
      if (total <= limitBytes) {
        return;
      }
      if (entry.key().equals(keep)) {
        continue;
      }
      Runnable unlock = lockForDeletion.apply(entry.key());
      if (unlock == null) {
        continue; // in use, here or in another server
      }
      try {
        if (!Files.getLastModifiedTime(entry.directory()).equals(entry.lastUsed())) {
          continue; // a step started with it since the listing
        }
        onEvicted.accept(entry.directory().resolve("bin/python"));
        directory.delete(entry);
        total -= entry.sizeBytes();
        LOG.info(
            "Deleted the Python environment {} ({} MB), unused since {}, to keep the cache within"
                + " {} MB",
            entry.key(),
            entry.sizeBytes() >> 20,
            entry.lastUsed(),
            limitBytes >> 20);
      } catch (IOException e) {
        LOG.warn("Cannot delete the Python environment {}: {}", entry.key(), e.toString());
      } finally {
        unlock.run();
      }
    }
  }
}
