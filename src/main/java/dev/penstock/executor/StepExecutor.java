package dev.penstock.executor;

import dev.penstock.model.LogChunk;
import java.nio.file.Path;
import java.util.Optional;

/** Runs step attempts. Implementations are thread-safe. */
public interface StepExecutor {

  /**
   * Starts the attempt and returns at once. Never throws for a step's own problems: a process that
   * cannot start gives a handle whose outcome is a LAUNCH_FAILED failure. The executor enforces
   * {@code launch.timeout()} (TIMED_OUT, "timed out after N minutes") and {@code memoryGb}
   * (MEMORY_EXCEEDED, "exceeded its memory limit of N GB"). The step runs with its {@code
   * packageRequirements} installed (implementations may take seconds to install them the first
   * time); when they cannot be installed it fails with MISSING_PACKAGES and the installer's error.
   */
  StepHandle launch(StepLaunch launch);

  /**
   * Takes up the attempt {@code launch} describes, which a previous process of this server (or a
   * server that died) started, if it still runs where this executor runs it (a Kubernetes Job): its
   * outcome then comes as a launched attempt's does. Empty when there is nothing to take up; a
   * local process never outlives its server.
   */
  default Optional<StepHandle> adopt(StepLaunch launch) {
    return Optional.empty();
  }

  /** Whether an attempt placed as {@code launch} may outlive its server, to be adopted. */
  default boolean adopts(StepLaunch launch) {
    return false;
  }

  /**
   * The log of an attempt as kept: everything written, or, past the size cap, a marker line saying
   * how much was dropped followed by the tail. Empty when the file does not exist yet. Safe to call
   * while the attempt is still writing.
   */
  String readLog(Path logFile);

  /**
   * At most {@code maxBytes} bytes of an attempt's log, from offset {@code from}, without reading
   * the rest of it (see {@link LogChunk} for what offsets count). A {@code from} before the first
   * byte still kept reads from that byte; one at or past the end gives an empty chunk at the end.
   * The chunk's text is whole UTF-8 characters: a start inside a character moves forward to the
   * next one, and an end inside one moves back before it (bytes that are not UTF-8 decode to
   * U+FFFD), so a chunk of 4 bytes or more holds at least one character whenever one lies after
   * {@code from}; chunks that start where the previous one ended read the log without gaps or
   * overlaps. A log that does not exist yet reads as {@link LogChunk#EMPTY}; one that cannot be
   * read throws {@link ExecutorException}. Safe to call while the attempt is still writing: the
   * chunk is consistent with one moment of the log.
   */
  LogChunk readLog(Path logFile, long from, int maxBytes);
}
