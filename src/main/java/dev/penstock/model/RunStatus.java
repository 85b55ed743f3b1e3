package dev.penstock.model;

/** Status of one run (a PipelineVersion); the names are the wire strings. */
public enum RunStatus {
  PENDING(false),
  RUNNING(false),
  COMPLETE(true),
  FAILED(true),
  CANCELLED(true);

  private final boolean terminal;

  RunStatus(boolean terminal) {
    this.terminal = terminal;
  }

  public boolean terminal() {
    return terminal;
  }
}
