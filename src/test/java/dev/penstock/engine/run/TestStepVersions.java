package dev.penstock.engine.run;

import dev.penstock.model.CpuSize;
import dev.penstock.model.InputMapping;
import dev.penstock.model.OutputMapping;
import dev.penstock.model.StepRetry;
import dev.penstock.model.StepStatus;
import dev.penstock.model.StepVersion;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Step versions for the engine's pure tests: what they vary is named, the rest is fixed. */
public final class TestStepVersions {
  public static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

  private TestStepVersions() {}

  /** Step version "sv-NAME" of run "pv", with no dependencies and default limits. */
  public static StepVersion stepVersion(
      String name,
      List<InputMapping> inputs,
      StepStatus status,
      List<OutputMapping> outputValues,
      Instant completedAt) {
    return new StepVersion(
        "sv-" + name,
        "pv",
        "p",
        "ps-" + name,
        name,
        0,
        "f",
        "fn",
        "def fn(): pass",
        inputs,
        List.of(),
        List.of(),
        List.of(),
        Map.of(),
        CpuSize.SMALL,
        1,
        1,
        StepRetry.NONE,
        status,
        1,
        null,
        null,
        outputValues,
        null,
        null,
        null,
        0,
        null,
        T0,
        T0,
        T0,
        completedAt);
  }
}
