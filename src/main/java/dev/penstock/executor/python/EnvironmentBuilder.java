package dev.penstock.executor.python;

import dev.penstock.model.FailureCause;
import java.nio.file.Path;
import java.util.List;

/** Makes a Python environment in a directory. Implementations are thread-safe. */
public interface EnvironmentBuilder {

  /**
   * Creates an environment of {@code basePython} in {@code directory} (which does not exist yet),
   * run by {@code directory/bin/python}, with {@code requirements} installed, writing what the
   * tools print to {@code log}. On failure the directory may hold anything; the caller deletes it.
   */
  void build(Path basePython, Path directory, List<String> requirements, BuildLog log)
      throws EnvironmentException;

  /** The environment could not be made; the message is for the step's user. */
  public final class EnvironmentException extends Exception {
    private final FailureCause cause;

    public EnvironmentException(FailureCause cause, String message) {
      super(message);
      this.cause = cause;
    }

    public FailureCause failureCause() {
      return cause;
    }
  }
}
