package dev.penstock.api;

import static dev.penstock.api.ApiMethod.Verb.DELETE;
import static dev.penstock.api.ApiMethod.Verb.GET;
import static dev.penstock.api.ApiMethod.Verb.PATCH;
import static dev.penstock.api.ApiMethod.Verb.POST;
import static dev.penstock.api.ParamType.ARGUMENTS;
import static dev.penstock.api.ParamType.BOOLEAN;
import static dev.penstock.api.ParamType.ID;
import static dev.penstock.api.ParamType.INTEGER;
import static dev.penstock.api.ParamType.NAME;
import static dev.penstock.api.ParamType.STRING;

import dev.penstock.api.dto.PipelineResponse;
import dev.penstock.model.NotFoundException;
import java.util.List;

/** createPipeline and friends (docs/abacus-api.md §2.2). Thread-safe. */
final class PipelineRoutes {
  private static final String PIPELINE_ID = "the pipeline's id";
  private static final String CONCURRENCY =
      "most runs of the pipeline RUNNING at once; more wait PENDING (0: no cap)";
  private static final String ISOLATION =
      "which steps of its runs may share a Python process: run (warm workers within a run), step (a"
          + " fresh fork per step) or process (a fresh interpreter per step); absent: the server's"
          + " --isolation";
  private static final String EXECUTOR =
      "where its steps run: local (a Python process on the server's machine) or kubernetes (a Job"
          + " per attempt on the server's cluster); absent: the server's --executor";
  private static final String STEP_IMAGE =
      "the container image its steps run in on Kubernetes (any image with python3); absent: the"
          + " server's --kubernetes-image";
  private static final String BACK_TO_DEFAULT = "; default goes back to the server's";

  private final ApiServer.Services services;
  private final Views views;

  PipelineRoutes(ApiServer.Services services, Views views) {
    this.services = services;
    this.views = views;
  }

  List<ApiMethod> methods() {
    return List.of(
        ApiMethod.write(POST, "createPipeline", "Creates a pipeline with no steps.")
            .required("pipelineName", NAME, "its name, unique among pipelines")
            .optional("projectId", NAME, "a project to file it under; listPipelines filters by it")
            .optional("cron", STRING, "a five-field UNIX cron schedule, in UTC, to run it by")
            .optional("isProd", BOOLEAN, "marks it as a production pipeline (kept and shown)")
            .extra("maxConcurrentRuns", INTEGER, CONCURRENCY)
            .extra("isolation", STRING, ISOLATION)
            .extra("executor", STRING, EXECUTOR)
            .extra("stepImage", STRING, STEP_IMAGE)
            .returns(PipelineResponse.class)
            .handler(
                params ->
                    views.pipeline(
                        services
                            .definitions()
                            .createPipeline(
                                params.string("pipelineName"),
                                params.string("projectId"),
                                params.string("cron"),
                                params.bool("isProd"),
                                params.integer("maxConcurrentRuns"),
                                params.string("isolation"),
                                params.string("executor"),
                                params.string("stepImage")))),
        ApiMethod.read(POST, "describePipeline", "A pipeline with its steps and latest run.")
            .required("pipelineId", ID, PIPELINE_ID)
            .returns(PipelineResponse.class)
            .handler(params -> views.pipeline(params.string("pipelineId"))),
        ApiMethod.read(POST, "describePipelineByName", "A pipeline, found by its name.")
            .required("pipelineName", NAME, "the pipeline's name")
            .returns(PipelineResponse.class)
            .handler(
                params -> {
                  String name = params.string("pipelineName");
                  return views.pipeline(
                      services
                          .pipelines()
                          .findPipelineByName(name)
                          .orElseThrow(() -> new NotFoundException("Pipeline not found: " + name)));
                }),
        ApiMethod.read(GET, "listPipelines", "Every pipeline, or those of one project.")
            .optional("projectId", NAME, "only the pipelines filed under this project")
            .returnsListOf(PipelineResponse.class)
            .handler(params -> views.pipelines(params.string("projectId"))),
        ApiMethod.write(PATCH, "updatePipeline", "Changes the fields given; null keeps one.")
            .required("pipelineId", ID, PIPELINE_ID)
            .optional("projectId", NAME, "a new project")
            .optional(
                "pipelineVariableMappings",
                ARGUMENTS,
                "the pipeline's variables and their default values, replacing the old ones")
            .optional("cron", STRING, "a new cron schedule, in UTC; its timing starts from now")
            .optional("isProd", BOOLEAN, "a new production flag")
            .extra("maxConcurrentRuns", INTEGER, CONCURRENCY)
            .extra("isolation", STRING, ISOLATION + BACK_TO_DEFAULT)
            .extra("executor", STRING, EXECUTOR + BACK_TO_DEFAULT)
            .extra("stepImage", STRING, STEP_IMAGE + BACK_TO_DEFAULT)
            .returns(PipelineResponse.class)
            .handler(
                params ->
                    views.pipeline(
                        services
                            .definitions()
                            .updatePipeline(
                                params.string("pipelineId"),
                                params.string("projectId"),
                                params.arguments("pipelineVariableMappings"),
                                params.string("cron"),
                                params.bool("isProd"),
                                params.integer("maxConcurrentRuns"),
                                params.string("isolation"),
                                params.string("executor"),
                                params.string("stepImage")))),
        ApiMethod.write(PATCH, "renamePipeline", "Gives a pipeline a new name.")
            .required("pipelineId", ID, PIPELINE_ID)
            .required("pipelineName", NAME, "the new name, unique among pipelines")
            .returns(PipelineResponse.class)
            .handler(
                params ->
                    views.pipeline(
                        services
                            .definitions()
                            .renamePipeline(
                                params.string("pipelineId"), params.string("pipelineName")))),
        ApiMethod.write(POST, "pausePipelineRefreshSchedule", "Pauses the cron schedule.")
            .required("pipelineId", ID, PIPELINE_ID)
            .returns(PipelineResponse.class)
            .handler(
                params -> views.pipeline(services.schedules().pause(params.string("pipelineId")))),
        ApiMethod.write(POST, "resumePipelineRefreshSchedule", "Resumes a paused cron schedule.")
            .required("pipelineId", ID, PIPELINE_ID)
            .returns(PipelineResponse.class)
            .handler(
                params -> views.pipeline(services.schedules().resume(params.string("pipelineId")))),
        ApiMethod.write(PATCH, "unsetPipelineRefreshSchedule", "Removes the cron schedule.")
            .required("pipelineId", ID, PIPELINE_ID)
            .returns(PipelineResponse.class)
            .handler(
                params -> views.pipeline(services.schedules().unset(params.string("pipelineId")))),
        ApiMethod.write(
                DELETE,
                "deletePipeline",
                "Deletes a pipeline, its steps and its runs; refused while a run is open.")
            .required("pipelineId", ID, PIPELINE_ID)
            .handler(
                params -> {
                  services.definitions().deletePipeline(params.string("pipelineId"));
                  return null;
                }));
  }
}
