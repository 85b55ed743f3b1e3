package dev.penstock.engine.definition;

import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.Isolation;
import dev.penstock.model.StepPlacement;
import dev.penstock.model.StepPlacement.Executor;

/**
 * Reads the extension fields of createPipeline and updatePipeline as given on the wire: a null
 * field keeps {@code current} (null on create); "default" goes back to the server's setting.
 * Stateless and thread-safe.
 */
final class PipelineExtensions {
  /** The longest stepImage taken, tag or digest included. */
  static final int MAX_IMAGE_LENGTH = 255;

  private static final String DEFAULT = "default";

  private PipelineExtensions() {}

  /** null keeps {@code current}; 0 removes the limit; otherwise at least 1. */
  static Integer concurrencyLimit(Integer requested, Integer current) {
    if (requested == null) {
      return current;
    }
    if (requested < 0) {
      throw new InvalidParameterException(
          "maxConcurrentRuns must be 0 (no limit) or more, not " + requested);
    }
    return requested == 0 ? null : requested;
  }

  /** null keeps {@code current}; "default" goes back to the server's; else run, step or process. */
  static Isolation isolation(String requested, Isolation current) {
    if (requested == null) {
      return current;
    }
    if (requested.equals(DEFAULT)) {
      return null;
    }
    return Isolation.fromWire(requested)
        .orElseThrow(
            () ->
                new InvalidParameterException(
                    "isolation must be run, step, process or default, not '" + requested + "'"));
  }

  /**
   * {@code current} with the executor and the step image given: each null keeps its part, "default"
   * goes back to the server's --executor or --kubernetes-image.
   */
  static StepPlacement placement(String executor, String stepImage, StepPlacement current) {
    return new StepPlacement(executor(executor, current.executor()), image(stepImage, current));
  }

  private static Executor executor(String requested, Executor current) {
    if (requested == null) {
      return current;
    }
    if (requested.equals(DEFAULT)) {
      return null;
    }
    return Executor.fromWire(requested)
        .orElseThrow(
            () ->
                new InvalidParameterException(
                    "executor must be local, kubernetes or default, not '" + requested + "'"));
  }

  // The value is not echoed back: it may be long or hold the very characters refused.
  private static String image(String requested, StepPlacement current) {
    if (requested == null) {
      return current.image();
    }
    if (requested.equals(DEFAULT)) {
      return null;
    }
    if (requested.isEmpty()) {
      throw new InvalidParameterException(
          "stepImage must be a container image reference or default, not empty");
    }
    if (requested.length() > MAX_IMAGE_LENGTH) {
      throw new InvalidParameterException(
          "stepImage is %,d characters long; a container image reference has at most %d"
              .formatted(requested.length(), MAX_IMAGE_LENGTH));
    }
    for (int i = 0; i < requested.length(); i++) {
      char c = requested.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)) {
        throw new InvalidParameterException(
            "stepImage holds the character U+%04X at position %d; a container image reference has no whitespace or control characters"
                .formatted((int) c, i));
      }
    }
    return requested;
  }
}
