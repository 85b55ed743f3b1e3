package dev.penstock.executor;

import dev.penstock.model.PenstockException;

/** The executor itself failed (Python missing, a directory not writable); keeps the exit code. */
public class ExecutorException extends PenstockException {
  private final Integer exitCode;

  public ExecutorException(String message, Integer exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public Integer exitCode() {
    return exitCode;
  }
}
