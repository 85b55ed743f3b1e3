package dev.penstock.api;

import static dev.penstock.api.ApiMethod.Verb.GET;
import static dev.penstock.api.ApiMethod.Verb.POST;
import static dev.penstock.api.ParamType.ARGUMENTS;
import static dev.penstock.api.ParamType.BOOLEAN;
import static dev.penstock.api.ParamType.ID;
import static dev.penstock.api.ParamType.INTEGER;
import static dev.penstock.api.ParamType.NAMES;

import dev.penstock.api.dto.PipelineStepVersionLogsResponse;
import dev.penstock.api.dto.PipelineStepVersionResponse;
import dev.penstock.api.dto.PipelineVersionLogsResponse;
import dev.penstock.api.dto.PipelineVersionResponse;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepVersion;
import java.time.Duration;
import java.util.List;

/** runPipeline, the run's views and its logs (docs/abacus-api.md §2). Thread-safe. */
final class VersionRoutes {
  private static final int DEFAULT_LIMIT = 200;
  private static final String VERSION_ID = "the run's id (a PipelineVersion)";
  private static final String STEP_VERSION_ID = "the step version's id";

  /**
   * The longest waitForPipelineVersion answers in, below Jetty's 30 s idle timeout, which would end
   * a connection whose response is late.
   */
  static final int MAX_WAIT_SECONDS = 25;

  private final ApiServer.Services services;
  private final Views views;

  VersionRoutes(ApiServer.Services services, Views views) {
    this.services = services;
    this.views = views;
  }

  List<ApiMethod> methods() {
    return List.of(
        ApiMethod.write(POST, "runPipeline", "Starts a run; answers at once with it, PENDING.")
            .required("pipelineId", ID, "the pipeline to run")
            .optional(
                "pipelineVariableMappings",
                ARGUMENTS,
                "values for this run, over the pipeline's defaults, by name")
            .returns(PipelineVersionResponse.class)
            .handler(
                params ->
                    views.created(
                        services
                            .runner()
                            .run(
                                params.string("pipelineId"),
                                params.arguments("pipelineVariableMappings")))),
        ApiMethod.read(GET, "describePipelineVersion", "A run, with every step version.")
            .required("pipelineVersion", ID, VERSION_ID)
            .forRunKeys(ApiMethod.RunScope.OWN_VERSION)
            .returns(PipelineVersionResponse.class)
            .handler(params -> views.version(params.string("pipelineVersion"))),
        ApiMethod.read(
                GET,
                "waitForPipelineVersion",
                "Answers as describePipelineVersion once the run has ended, or when timeout"
                    + " passes.")
            .extension()
            .requiredExtra("pipelineVersion", ID, VERSION_ID)
            .extra("timeout", INTEGER, "seconds to wait, 0 to " + MAX_WAIT_SECONDS + " (default)")
            .forRunKeys(ApiMethod.RunScope.OWN_VERSION)
            .returns(PipelineVersionResponse.class)
            .handler(
                params -> {
                  Integer timeout = params.integer("timeout");
                  if (timeout != null && (timeout < 0 || timeout > MAX_WAIT_SECONDS)) {
                    throw new InvalidParameterException(
                        "timeout must be from 0 to %d seconds, not %d"
                            .formatted(MAX_WAIT_SECONDS, timeout));
                  }
                  var wait = Duration.ofSeconds(timeout == null ? MAX_WAIT_SECONDS : timeout);
                  String versionId = params.string("pipelineVersion");
                  services.waits().awaitEnd(versionId, wait);
                  return views.version(versionId);
                }),
        ApiMethod.read(POST, "listPipelineVersions", "A pipeline's runs, newest first.")
            .required("pipelineId", ID, "the pipeline")
            .optional("limit", INTEGER, "at most this many runs (default " + DEFAULT_LIMIT + ")")
            .returnsListOf(PipelineVersionResponse.class)
            .handler(
                params -> {
                  String pipelineId = params.string("pipelineId");
                  Integer limit = params.integer("limit");
                  if (limit != null && limit < 1) {
                    throw new InvalidParameterException("limit must be at least 1, not " + limit);
                  }
                  if (services.pipelines().findPipeline(pipelineId).isEmpty()) {
                    throw new NotFoundException("Pipeline not found: " + pipelineId);
                  }
                  return views.versions(pipelineId, limit == null ? DEFAULT_LIMIT : limit);
                }),
        ApiMethod.write(
                POST,
                "resetPipelineVersion",
                "Reruns steps inside the same run, from the run's own snapshot of the code.")
            .required("pipelineVersion", ID, VERSION_ID)
            .optional("steps", NAMES, "names of the steps to rerun")
            .optional(
                "includeDownstreamSteps", BOOLEAN, "rerun everything after them too (default true)")
            .returns(PipelineVersionResponse.class)
            .handler(
                params -> {
                  Boolean downstream = params.bool("includeDownstreamSteps");
                  String versionId = params.string("pipelineVersion");
                  services
                      .control()
                      .reset(versionId, params.strings("steps"), downstream == null || downstream);
                  return views.version(versionId);
                }),
        ApiMethod.write(
                POST,
                "skipPendingPipelineVersionSteps",
                "Skips every step not yet started; running ones finish.")
            .required("pipelineVersion", ID, VERSION_ID)
            .returns(PipelineVersionResponse.class)
            .handler(
                params -> {
                  String versionId = params.string("pipelineVersion");
                  services.control().skipPending(versionId);
                  return views.version(versionId);
                }),
        ApiMethod.write(
                POST,
                "cancelPipelineVersion",
                "Stops a run: running steps get SIGTERM, then SIGKILL; the rest end CANCELLED.")
            .extension()
            .requiredExtra("pipelineVersion", ID, VERSION_ID)
            .returns(PipelineVersionResponse.class)
            .handler(
                params -> {
                  String versionId = params.string("pipelineVersion");
                  services.control().cancel(versionId);
                  return views.version(versionId);
                }),
        ApiMethod.read(GET, "describePipelineStepVersion", "One step of one run.")
            .required("pipelineStepVersion", ID, STEP_VERSION_ID)
            .forRunKeys(ApiMethod.RunScope.OWN_STEP_VERSION)
            .returns(PipelineStepVersionResponse.class)
            .handler(
                params -> views.stepVersion(stepVersion(params.string("pipelineStepVersion")))),
        ApiMethod.read(GET, "listPipelineVersionLogs", "What every step of a run printed.")
            .required("pipelineVersion", ID, VERSION_ID)
            .forRunKeys(ApiMethod.RunScope.OWN_VERSION)
            .returns(PipelineVersionLogsResponse.class)
            .handler(
                params ->
                    new PipelineVersionLogsResponse(
                        version(params.string("pipelineVersion")).steps().stream()
                            .map(this::logs)
                            .toList())),
        ApiMethod.read(GET, "getStepVersionLogs", "What one step of a run printed.")
            .required("pipelineStepVersion", ID, STEP_VERSION_ID)
            .forRunKeys(ApiMethod.RunScope.OWN_STEP_VERSION)
            .returns(PipelineStepVersionLogsResponse.class)
            .handler(params -> logs(stepVersion(params.string("pipelineStepVersion")))));
  }

  private PipelineStepVersionLogsResponse logs(StepVersion step) {
    return new PipelineStepVersionLogsResponse(
        step.stepName(), step.pipelineStepId(), step.id(), services.logs().of(step));
  }

  /** The run without its steps' bound inputs, which the logs do not need. */
  private PipelineVersion version(String id) {
    return services
        .runs()
        .findVersionToPlan(id)
        .orElseThrow(() -> new NotFoundException("Pipeline version not found: " + id));
  }

  private StepVersion stepVersion(String id) {
    return services
        .runs()
        .findStepVersion(id)
        .orElseThrow(() -> new NotFoundException("Pipeline step version not found: " + id));
  }
}
