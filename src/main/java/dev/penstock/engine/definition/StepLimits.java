package dev.penstock.engine.definition;

import dev.penstock.model.CpuSize;
import dev.penstock.model.InvalidParameterException;

/** The resource limits a step may ask for, checked as the contract bounds them. Pure. */
final class StepLimits {
  private StepLimits() {}

  static CpuSize cpuSize(String text, CpuSize fallback) {
    if (text == null) {
      return fallback;
    }
    return CpuSize.parse(text)
        .orElseThrow(
            () ->
                new InvalidParameterException(
                    "cpuSize '" + text + "' is not one of small, medium, large"));
  }

  static int memory(Integer gb, int fallback) {
    if (gb == null) {
      return fallback;
    }
    if (gb < 1 || gb > 1024) {
      throw new InvalidParameterException("memory must be between 1 and 1024 (GB), not " + gb);
    }
    return gb;
  }

  static int timeout(Integer minutes, int fallback) {
    if (minutes == null) {
      return fallback;
    }
    if (minutes < 1 || minutes > 10080) {
      throw new InvalidParameterException(
          "timeout must be between 1 and 10080 (minutes), not " + minutes);
    }
    return minutes;
  }
}
