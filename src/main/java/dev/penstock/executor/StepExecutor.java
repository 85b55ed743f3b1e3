package dev.penstock.executor;

import java.nio.file.Path;

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
   * The log of an attempt as kept: everything written, or, past the size cap, a marker line saying
   * how much was dropped followed by the tail. Empty when the file does not exist yet. Safe to call
   * while the attempt is still writing.
   */
  String readLog(Path logFile);
}
