package dev.penstock.model;

import java.util.Locale;
import java.util.Optional;

/**
 * The SDK's CPUSize; wire values are lowercase. Locally a size takes slots of the parallel limit.
 */
public enum CpuSize {
  SMALL(1),
  MEDIUM(2),
  LARGE(4);

  private final int slots;

  CpuSize(int slots) {
    this.slots = slots;
  }

  public int slots() {
    return slots;
  }

  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<CpuSize> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(valueOf(text.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException unknown) {
      return Optional.empty();
    }
  }
}
