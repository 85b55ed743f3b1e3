package dev.penstock.model;

/** Status of one step in one run; the names are the wire strings. */
public enum StepStatus {
  PENDING(false, false),
  RUNNING(false, false),
  COMPLETE(true, true),
  FAILED(true, false),
  SKIPPED(true, false),
  CANCELLED(true, false);

  private final boolean terminal;
  private final boolean successful;

  StepStatus(boolean terminal, boolean successful) {
    this.terminal = terminal;
    this.successful = successful;
  }

  public boolean terminal() {
    return terminal;
  }

  public boolean successful() {
    return successful;
  }
}
