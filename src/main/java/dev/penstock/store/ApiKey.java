package dev.penstock.store;

/** A stored API key: its kind, and for a run key the run it belongs to. */
public record ApiKey(Kind kind, String pipelineVersionId) {
  public enum Kind {
    ADMIN,
    RUN
  }
}
