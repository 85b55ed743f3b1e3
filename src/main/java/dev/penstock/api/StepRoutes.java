package dev.penstock.api;

import static dev.penstock.api.ApiMethod.Verb.DELETE;
import static dev.penstock.api.ApiMethod.Verb.GET;
import static dev.penstock.api.ApiMethod.Verb.PATCH;
import static dev.penstock.api.ApiMethod.Verb.POST;
import static dev.penstock.api.ParamType.ARGUMENTS;
import static dev.penstock.api.ParamType.ID;
import static dev.penstock.api.ParamType.INTEGER;
import static dev.penstock.api.ParamType.LIST;
import static dev.penstock.api.ParamType.NAME;
import static dev.penstock.api.ParamType.NAMES;
import static dev.penstock.api.ParamType.NUMBER;
import static dev.penstock.api.ParamType.OUTPUTS;
import static dev.penstock.api.ParamType.STRING;
import static dev.penstock.api.ParamType.STRINGS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.penstock.api.dto.PipelineResponse;
import dev.penstock.api.dto.PipelineStepResponse;
import dev.penstock.engine.definition.Definitions;
import dev.penstock.engine.definition.StepSpec;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.MissingParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PipelineStep;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** createPipelineStep and friends (docs/abacus-api.md §2.2). Thread-safe. */
final class StepRoutes {
  private static final String STEP_ID = "the step's id";

  /** What each of createPipelineSteps' steps holds: createPipelineStep's parameters. */
  private static final ApiMethod STEP_FIELDS =
      withSpec(
              ApiMethod.write(POST, "createPipelineSteps", "one of the steps")
                  .required("stepName", NAME, "its name, unique in the pipeline"))
          .handler(params -> null);

  private final ApiServer.Services services;
  private final Views views;
  private final ParamReader reader;

  StepRoutes(ApiServer.Services services, Views views, ParamReader reader) {
    this.services = services;
    this.views = views;
    this.reader = reader;
  }

  List<ApiMethod> methods() {
    return List.of(
        ApiMethod.write(
                POST,
                "createPipelineSteps",
                "Adds many steps in one call, all or none; answers with the whole pipeline.")
            .extension()
            .requiredExtra("pipelineId", ID, "the pipeline to add them to")
            .requiredExtra(
                "steps",
                LIST,
                "the steps, each a dict of createPipelineStep's parameters but pipelineId; one"
                    + " the pipeline has already, defined the same, is left as it is")
            .returns(PipelineResponse.class)
            .handler(
                params -> {
                  String pipelineId = params.string("pipelineId");
                  services.definitions().createSteps(pipelineId, newSteps(params.json("steps")));
                  return views.pipeline(pipelineId);
                }),
        withSpec(
                ApiMethod.write(
                        POST,
                        "createPipelineStep",
                        "Adds a step to a pipeline; answers with the whole pipeline.")
                    .required("pipelineId", ID, "the pipeline to add it to")
                    .required("stepName", NAME, "its name, unique in the pipeline"))
            .returns(PipelineResponse.class)
            .handler(
                params -> {
                  var step =
                      services
                          .definitions()
                          .createStep(
                              params.string("pipelineId"), params.string("stepName"), spec(params));
                  return views.pipeline(step.pipelineId());
                }),
        withSpec(
                ApiMethod.write(PATCH, "updatePipelineStep", "Changes the fields given.")
                    .required("pipelineStepId", ID, STEP_ID))
            .returns(PipelineStepResponse.class)
            .handler(
                params ->
                    response(
                        services
                            .definitions()
                            .updateStep(params.string("pipelineStepId"), spec(params)))),
        ApiMethod.write(
                PATCH,
                "renamePipelineStep",
                "Gives a step a new name; the steps that depend on it follow.")
            .required("pipelineStepId", ID, STEP_ID)
            .required("stepName", NAME, "the new name, unique in the pipeline")
            .returns(PipelineStepResponse.class)
            .handler(
                params ->
                    response(
                        services
                            .definitions()
                            .renameStep(
                                params.string("pipelineStepId"), params.string("stepName")))),
        ApiMethod.write(
                DELETE,
                "deletePipelineStep",
                "Deletes a step; the steps that depended on it no longer do.")
            .required("pipelineStepId", ID, STEP_ID)
            .handler(
                params -> {
                  services.definitions().deleteStep(params.string("pipelineStepId"));
                  return null;
                }),
        ApiMethod.read(GET, "describePipelineStep", "A step, with its function and code.")
            .required("pipelineStepId", ID, STEP_ID)
            .returns(PipelineStepResponse.class)
            .handler(
                params -> {
                  String id = params.string("pipelineStepId");
                  return response(
                      services
                          .pipelines()
                          .findStep(id)
                          .orElseThrow(
                              () -> new NotFoundException("Pipeline step not found: " + id)));
                }),
        ApiMethod.read(GET, "describePipelineStepByName", "A step, found by its name.")
            .required("pipelineId", ID, "the pipeline the step belongs to")
            .required("stepName", NAME, "the step's name")
            .returns(PipelineStepResponse.class)
            .handler(
                params -> {
                  String pipelineId = params.string("pipelineId");
                  String name = params.string("stepName");
                  return response(
                      services
                          .pipelines()
                          .findStepByName(pipelineId, name)
                          .orElseThrow(
                              () ->
                                  new NotFoundException(
                                      "Pipeline step not found: '%s' in pipeline %s"
                                          .formatted(name, pipelineId))));
                }));
  }

  /** createPipelineSteps' steps, each read as createPipelineStep's parameters are. */
  private List<Definitions.NewStep> newSteps(JsonNode steps) {
    var read = new ArrayList<Definitions.NewStep>();
    for (int i = 0; i < steps.size(); i++) {
      JsonNode step = steps.get(i);
      String where = "steps[" + i + "]";
      if (!step.isObject()) {
        throw new InvalidParameterException(
            where + " must be a dict of createPipelineStep's parameters, not " + step);
      }
      Params fields;
      try {
        fields = reader.read(STEP_FIELDS, (ObjectNode) step, Map.of());
      } catch (MissingParameterException e) {
        throw new MissingParameterException(where + ": " + e.getMessage());
      } catch (InvalidParameterException e) {
        throw new InvalidParameterException(where + ": " + e.getMessage());
      }
      read.add(new Definitions.NewStep(fields.string("stepName"), spec(fields)));
    }
    return read;
  }

  /** The parameters createPipelineStep and updatePipelineStep share. */
  private static ApiMethod.Builder withSpec(ApiMethod.Builder method) {
    return method
        .optional("functionName", NAME, "the function in sourceCode to call")
        .optional("sourceCode", STRING, "the Python source that defines it")
        .optional(
            "stepInputMappings",
            ARGUMENTS,
            "the function's inputs, each a literal value or a pipeline variable")
        .optional("outputVariableMappings", OUTPUTS, "the function's outputs, by name and type")
        .optional("stepDependencies", NAMES, "names of the steps this one runs after")
        .optional("packageRequirements", STRINGS, "pip requirement specifiers to install")
        .optional("cpuSize", STRING, "small, medium or large: 1, 2 or 4 slots")
        .optional("memory", INTEGER, "memory in GB, 1 to 1024 (default 16)")
        .optional("timeout", INTEGER, "minutes it may run, 1 to 10080 (default 300)")
        .extra("retries", INTEGER, "more attempts after a failure (default 0)")
        .extra("retryDelay", NUMBER, "seconds before the first retry")
        .extra("retryBackoff", NUMBER, "how many times longer each next delay is")
        .extra("retryOn", STRING, "ANY failure (the default) or TIMEOUT only");
  }

  private PipelineStepResponse response(PipelineStep step) {
    String pipelineName =
        services
            .pipelines()
            .findPipeline(step.pipelineId())
            .map(pipeline -> pipeline.name())
            .orElse(null);
    return PipelineStepResponse.of(step, pipelineName, new ModuleLinks(services.moduleStore()));
  }

  private static StepSpec spec(Params params) {
    return new StepSpec(
        params.string("functionName"),
        params.string("sourceCode"),
        params.arguments("stepInputMappings"),
        params.outputs("outputVariableMappings"),
        params.strings("stepDependencies"),
        params.strings("packageRequirements"),
        params.string("cpuSize"),
        params.integer("memory"),
        params.integer("timeout"),
        params.integer("retries"),
        params.number("retryDelay"),
        params.number("retryBackoff"),
        params.string("retryOn"));
  }
}
