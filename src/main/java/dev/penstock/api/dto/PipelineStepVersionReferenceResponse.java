package dev.penstock.api.dto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.penstock.model.Artifact;

/**
 * The SDK's PipelineStepVersionReference (docs/abacus-api.md §4.9): an object a step produced. Here
 * each is an artifact: {@code objectType} FEATURE_GROUP for a table (Penstock's stand-in for a
 * feature group or dataset), ATTACHMENT for a file or bytes, ANY for a stored JSON value or Python
 * object; the hosted service's version fields stay null. Penstock extensions name the artifact:
 * artifactId (as pipelineStepVersionReferenceId), outputName (null for a file of the outputs
 * folder), name, kind, format, contentType, size, attempt, preview.
 */
public record PipelineStepVersionReferenceResponse(
    String pipelineStepVersionReferenceId,
    String pipelineStepVersion,
    String objectType,
    String datasetVersion,
    String modelVersion,
    String deploymentVersion,
    String batchPredictionId,
    String modelMonitorVersion,
    String notebookVersion,
    String featureGroupVersion,
    String status,
    String error,
    String artifactId,
    String pipelineVersion,
    String outputName,
    String name,
    String kind,
    String format,
    String contentType,
    long size,
    int attempt,
    JsonNode preview,
    String createdAt) {

  public static PipelineStepVersionReferenceResponse of(Artifact artifact) {
    return new PipelineStepVersionReferenceResponse(
        artifact.id(),
        artifact.stepVersionId(),
        objectType(artifact.kind()),
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        "COMPLETE",
        null,
        artifact.id(),
        artifact.pipelineVersionId(),
        artifact.outputName(),
        artifact.name(),
        artifact.kind().name(),
        artifact.format(),
        artifact.contentType(),
        artifact.size(),
        artifact.attempt(),
        artifact.preview(),
        Times.iso(artifact.createdAt()));
  }

  private static String objectType(Artifact.Kind kind) {
    return switch (kind) {
      case TABLE -> "FEATURE_GROUP";
      case FILE, BYTES -> "ATTACHMENT";
      case JSON, OBJECT -> "ANY";
    };
  }
}
