package dev.penstock.web.pipeline;

import dev.penstock.model.Pipeline;
import java.time.Instant;

/**
 * Everything a pipeline page shows.
 *
 * @param graphSvg the steps drawn as SVG markup (user text in it already escaped), or null when
 *     there are too many to draw and {@code table} lists them instead (both null in a fragment that
 *     shows neither, as is {@code history} in the step panel's)
 * @param selected the step panel's step, or null
 * @param stepProblem why the step the URL names cannot be shown, or null
 */
public record PipelineView(
    Pipeline pipeline,
    int stepCount,
    String graphSvg,
    PipelineStepTable table,
    StepDetail selected,
    String stepProblem,
    RunForm form,
    RunHistory history,
    PipelineLinks links,
    Instant now) {}
