package dev.penstock.web.run;

import dev.penstock.model.ConflictException;
import dev.penstock.model.MissingParameterException;
import dev.penstock.model.StepStatus;
import dev.penstock.store.StepProgress;
import dev.penstock.web.Formats;
import dev.penstock.web.Guard;
import dev.penstock.web.WebUi;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.List;

/**
 * What a run page's buttons do, each a form post confirmed in a dialog first: cancel the run, skip
 * its pending steps, rerun its failed steps (with everything downstream of them, as the API's
 * resetPipelineVersion does by default), rerun one step with or without its downstream steps, rerun
 * every step. Each goes through the engine's {@code RunControl}, as the API does, then shows the
 * run again. Read-only keys are refused. Thread-safe.
 */
final class RunActions {
  private final WebUi.Services services;
  private final Guard guard;

  RunActions(WebUi.Services services, Guard guard) {
    this.services = services;
    this.guard = guard;
  }

  void cancel(Context ctx) {
    act(ctx, "cancelled", versionId -> services.control().cancel(versionId));
  }

  void skipPending(Context ctx) {
    act(ctx, "skipped", versionId -> services.control().skipPending(versionId));
  }

  void rerunFailed(Context ctx) {
    act(
        ctx,
        "rerun-failed",
        versionId -> {
          List<String> failed =
              services.overview().stepProgress(versionId, null).stream()
                  .filter(step -> step.status() == StepStatus.FAILED)
                  .map(StepProgress::stepName)
                  .toList();
          if (failed.isEmpty()) {
            throw new ConflictException(
                "No step of this run has failed: there is nothing to rerun.");
          }
          services.control().reset(versionId, failed, true);
        });
  }

  void rerunStep(Context ctx) {
    act(
        ctx,
        "rerun",
        versionId -> {
          String step = ctx.formParam("step");
          if (step == null || step.isBlank()) {
            throw new MissingParameterException("Choose the step to rerun.");
          }
          boolean downstream = ctx.formParam("downstream") != null;
          services.control().reset(versionId, List.of(step), downstream);
        });
  }

  void rerunAll(Context ctx) {
    act(ctx, "rerun-all", versionId -> services.control().reset(versionId, null, true));
  }

  private interface Action {
    void apply(String versionId);
  }

  private void act(Context ctx, String done, Action action) {
    if (!Guard.session(ctx).canAct()) {
      guard.error(ctx, 403, "This key is read-only: it can look at runs but not change them.");
      return;
    }
    String versionId = ctx.pathParam("versionId");
    RunPage.find(services, versionId);
    action.apply(versionId);
    ctx.redirect("/runs/" + Formats.query(versionId) + "?done=" + done, HttpStatus.SEE_OTHER);
  }
}
