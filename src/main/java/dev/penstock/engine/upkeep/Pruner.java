package dev.penstock.engine.upkeep;

import dev.penstock.engine.attempt.Workspace;
import dev.penstock.store.ArtifactFiles;
import dev.penstock.store.RunStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention: deletes finished runs that are both older than the maximum age and not among the last
 * runs kept per pipeline, with their step versions, history, attempts and files, in small batches
 * so no transaction grows large. Never a run that is PENDING or RUNNING. Where servers share the
 * database, one at a time deletes runs, and each deletes the files it keeps of runs deleted by any
 * (retention, or with their pipeline), which the store remembers for {@link #REMEMBER_DELETED}.
 * Thread-safe.
 */
public final class Pruner {
  private static final Logger log = LoggerFactory.getLogger(Pruner.class);
  private static final int BATCH = 50;
  static final Duration REMEMBER_DELETED = Duration.ofDays(7);
  // How far before the last look the next one starts: a deletion that committed late, or was
  // stamped by another server's clock, is still seen.
  private static final Duration LOOK_BACK = Duration.ofMinutes(5);

  /** Which runs to keep, and how often to look. */
  public record Settings(int keepLast, Duration maxAge, Duration interval) {}

  private final RunStore runs;
  private final ArtifactFiles artifactFiles;
  private final Workspace workspace;
  private final InstantSource clock;
  private final Settings settings;
  private ScheduledExecutorService timer;
  private volatile Instant lastLook; // when the files of deleted runs were last looked for

  public Pruner(
      RunStore runs,
      ArtifactFiles artifactFiles,
      Workspace workspace,
      InstantSource clock,
      Settings settings) {
    this.runs = runs;
    this.artifactFiles = artifactFiles;
    this.workspace = workspace;
    this.clock = clock;
    this.settings = settings;
  }

  public synchronized void start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("pruner").factory());
    long every = settings.interval().toMillis();
    timer.scheduleWithFixedDelay(this::pruneSafely, every, every, TimeUnit.MILLISECONDS);
  }

  public synchronized void stop() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  /**
   * Deletes every run past retention now, a batch at a time, unless another server is at it; then
   * the files this server keeps of runs deleted anywhere. Returns how many runs it deleted.
   */
  public int pruneOnce() {
    int[] deleted = {0};
    // Real time, not the clock: when a run was deleted is bookkeeping between servers.
    Instant now = Instant.now();
    Instant remembered = now.minus(REMEMBER_DELETED);
    runs.retentionAlone(
        () -> {
          deleted[0] = pruneRuns();
          runs.forgetDeletedBefore(remembered);
        });
    // The whole week once after a start, then what was deleted since the last look.
    Instant since = lastLook == null ? remembered : lastLook.minus(LOOK_BACK);
    for (String versionId : runs.deletedVersionIds(since)) {
      deleteFiles(workspace.runDir(versionId));
    }
    lastLook = now;
    return deleted[0];
  }

  private int pruneRuns() {
    int deleted = 0;
    boolean stuck = false;
    while (true) {
      var olderThan = clock.instant().minus(settings.maxAge());
      var batch = runs.prunableVersionIds(olderThan, settings.keepLast(), BATCH);
      for (String versionId : batch) {
        // The artifacts first: a run whose rows went while its objects stayed would leave them
        // for good, where objects gone before their rows are only a run not yet deleted.
        if (!deleteArtifacts(versionId)) {
          stuck = true; // not again in this pass: the same batch would come back
          continue;
        }
        if (runs.deleteVersion(versionId)) {
          deleteFiles(workspace.runDir(versionId));
          deleted++;
        }
      }
      if (batch.size() < BATCH || stuck) {
        return deleted;
      }
    }
  }

  private boolean deleteArtifacts(String versionId) {
    try {
      artifactFiles.deleteRun(versionId);
      return true;
    } catch (IOException e) {
      log.warn("Could not delete the artifacts of run {}; the next pass tries again", versionId, e);
      return false;
    }
  }

  private void pruneSafely() {
    try {
      int deleted = pruneOnce();
      if (deleted > 0) {
        log.info("Retention deleted {} finished runs", deleted);
      }
    } catch (RuntimeException e) {
      log.warn("Retention pass failed; the next one tries again", e);
    }
  }

  private static void deleteFiles(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      log.warn("Could not delete {}: {}", dir, e.getMessage());
    }
  }
}
