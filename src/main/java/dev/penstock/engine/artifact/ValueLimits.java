package dev.penstock.engine.artifact;

/**
 * When a step's output travels by reference: past {@code inlineBytes} of JSON it is stored as an
 * artifact; no artifact may take more than {@code maxArtifactBytes} (0: no limit).
 */
public record ValueLimits(long inlineBytes, long maxArtifactBytes) {
  public static final ValueLimits DEFAULT = new ValueLimits(1024 * 1024, 1024L * 1024 * 1024);

  public ValueLimits {
    if (inlineBytes < 0 || maxArtifactBytes < 0) {
      throw new IllegalArgumentException("limits cannot be negative");
    }
  }
}
