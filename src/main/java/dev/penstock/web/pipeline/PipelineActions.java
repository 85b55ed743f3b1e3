package dev.penstock.web.pipeline;

import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.Pipeline;
import dev.penstock.web.Formats;
import dev.penstock.web.Guard;
import dev.penstock.web.WebUi;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

/**
 * What a pipeline page's forms do: start a run with the run form's typed variables ({@code POST
 * /pipelines/{id}/run}), and pause or resume the schedule ({@code POST /pipelines/{id}/schedule}).
 * Read-only sessions are refused; a form with a wrongly typed value is shown again with what is
 * wrong and starts nothing. Thread-safe.
 */
final class PipelineActions {
  private final WebUi.Services services;
  private final PipelinePage page;
  private final Guard guard;

  PipelineActions(WebUi.Services services, PipelinePage page, Guard guard) {
    this.services = services;
    this.page = page;
    this.guard = guard;
  }

  void run(Context ctx) {
    if (!Guard.session(ctx).canAct()) {
      guard.error(ctx, 403, "A read-only key cannot start runs.");
      return;
    }
    Pipeline pipeline = page.pipeline(ctx.pathParam("pipelineId"));
    var form = RunForm.submitted(pipeline, ctx::formParam);
    if (!form.valid()) {
      page.render(ctx, 400, form);
      return;
    }
    String versionId;
    try {
      versionId = services.runner().run(pipeline.id(), form.variables()).id();
    } catch (InvalidParameterException refused) {
      page.render(ctx, 400, form.withProblem(refused.getMessage()));
      return;
    }
    ctx.redirect("/runs/" + Formats.query(versionId), HttpStatus.SEE_OTHER);
  }

  void schedule(Context ctx) {
    if (!Guard.session(ctx).canAct()) {
      guard.error(ctx, 403, "A read-only key cannot pause or resume schedules.");
      return;
    }
    String pipelineId = page.pipeline(ctx.pathParam("pipelineId")).id();
    String action = ctx.formParam("action");
    if ("pause".equals(action)) {
      services.schedules().pause(pipelineId);
    } else if ("resume".equals(action)) {
      services.schedules().resume(pipelineId);
    } else {
      throw new InvalidParameterException("The schedule's action must be pause or resume.");
    }
    ctx.redirect("/pipelines/" + Formats.query(pipelineId), HttpStatus.SEE_OTHER);
  }
}
