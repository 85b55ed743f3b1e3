package dev.penstock.api.dto;

import java.util.List;

/** The SDK's CodeSource: where a function's text lives (always TEXT here). */
public record CodeSourceResponse(
    String sourceType,
    String sourceCode,
    String applicationConnectorId,
    String applicationConnectorInfo,
    List<String> packageRequirements,
    String status,
    String error,
    Object publishingMsg,
    List<String> moduleDependencies) {

  public static CodeSourceResponse text(
      String sourceCode, List<String> packageRequirements, List<String> moduleDependencies) {
    return new CodeSourceResponse(
        "TEXT",
        sourceCode,
        null,
        null,
        packageRequirements,
        "COMPLETE",
        null,
        null,
        moduleDependencies);
  }
}
