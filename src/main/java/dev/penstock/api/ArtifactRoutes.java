package dev.penstock.api;

import static dev.penstock.api.ApiMethod.Verb.GET;
import static dev.penstock.api.ParamType.ID;

import dev.penstock.api.dto.PipelineStepVersionReferenceResponse;
import dev.penstock.engine.artifact.DownloadHeaders;
import dev.penstock.model.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * A run's artifacts (issue 12): what its steps stored by reference and the files they wrote into
 * their outputs folders, listed, and each downloaded as it was stored. Thread-safe.
 */
final class ArtifactRoutes {
  private static final String VERSION_ID = "the run's id (a PipelineVersion)";

  private final ApiServer.Services services;

  ArtifactRoutes(ApiServer.Services services) {
    this.services = services;
  }

  List<ApiMethod> methods() {
    return List.of(
        ApiMethod.read(
                GET,
                "listPipelineVersionArtifacts",
                "What a run's steps produced by reference: stored values and output files.")
            .extension()
            .requiredExtra("pipelineVersion", ID, VERSION_ID)
            .forRunKeys(ApiMethod.RunScope.OWN_VERSION)
            .returnsListOf(PipelineStepVersionReferenceResponse.class)
            .handler(
                params -> {
                  String versionId = params.string("pipelineVersion");
                  if (services.runs().versionStatus(versionId).isEmpty()) {
                    throw new NotFoundException("Pipeline version not found: " + versionId);
                  }
                  return services.artifacts().ofRun(versionId).stream()
                      .map(PipelineStepVersionReferenceResponse::of)
                      .toList();
                }),
        ApiMethod.read(
                GET,
                "downloadPipelineVersionArtifact",
                "One artifact's bytes, with its content type (not JSON: the file as stored).")
            .extension()
            .requiredExtra("pipelineVersion", ID, VERSION_ID)
            .requiredExtra(
                "artifactId", ID, "the artifact, as listPipelineVersionArtifacts names it")
            .forRunKeys(ApiMethod.RunScope.OWN_VERSION)
            .handler(
                params -> {
                  String versionId = params.string("pipelineVersion");
                  String artifactId = params.string("artifactId");
                  var artifact =
                      services
                          .artifacts()
                          .find(versionId, artifactId)
                          .orElseThrow(() -> notFound(versionId, artifactId));
                  InputStream bytes;
                  try {
                    bytes = services.artifacts().open(artifact);
                  } catch (NoSuchFileException gone) {
                    throw notFound(versionId, artifactId);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  return new Download(
                      bytes, artifact.contentType(), DownloadHeaders.fileName(artifact));
                }));
  }

  private static NotFoundException notFound(String versionId, String artifactId) {
    return new NotFoundException(
        "Artifact not found in pipeline version %s: %s".formatted(versionId, artifactId));
  }
}
