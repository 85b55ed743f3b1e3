package dev.penstock.executor.python;

/**
 * Where building an environment reports what it does: the log of the step waiting for it. Writing
 * never fails the build (a log's own fault must not hide the build's outcome). Implementations are
 * thread-safe.
 */
@FunctionalInterface
public interface BuildLog {

  /** Appends one line (a line break is added). */
  void line(String text);
}
