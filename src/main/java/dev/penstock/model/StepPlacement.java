package dev.penstock.model;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a pipeline's steps run: {@code executor} names the executor (null: the server's {@code
 * --executor}); {@code image}, for the Kubernetes executor, the container image its steps run in
 * (null: the server's {@code --kubernetes-image}).
 */
public record StepPlacement(Executor executor, String image) {
  public static final StepPlacement DEFAULT = new StepPlacement(null, null);

  /** The executors a step can run on. */
  public enum Executor {
    /** A Python process on the server's own machine. */
    LOCAL,
    /** A Job on the Kubernetes cluster the server is configured for. */
    KUBERNETES;

    /** How the wire and the command line spell it: local, kubernetes. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Executor> fromWire(String name) {
      for (Executor executor : values()) {
        if (executor.wireName().equals(name)) {
          return Optional.of(executor);
        }
      }
      return Optional.empty();
    }
  }

  /** This placement, with what it leaves unsaid taken from {@code fallback}. */
  public StepPlacement or(StepPlacement fallback) {
    return new StepPlacement(
        executor != null ? executor : fallback.executor(),
        image != null ? image : fallback.image());
  }
}
