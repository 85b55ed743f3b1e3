package dev.penstock.engine.cron;

import dev.penstock.engine.definition.CronSchedule;
import dev.penstock.engine.definition.Definitions;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.Pipeline;
import dev.penstock.store.PipelineStore;
import java.time.InstantSource;

/**
 * Pauses, resumes and removes a pipeline's cron schedule (pause-, resume- and
 * unsetPipelineRefreshSchedule). Each returns the pipeline as stored afterwards. Thread-safe.
 */
public final class Schedules {
  private final PipelineStore store;
  private final InstantSource clock;

  public Schedules(PipelineStore store, InstantSource clock) {
    this.store = store;
    this.clock = clock;
  }

  /** Stops the schedule firing until resumed; it has no next firing meanwhile. Idempotent. */
  public Pipeline pause(String pipelineId) {
    var pipeline = scheduled(pipelineId, "pause");
    if (!pipeline.schedulePaused()) {
      store.setSchedule(pipelineId, pipeline.cron(), true, null, clock.instant());
    }
    return pipeline(pipelineId);
  }

  /**
   * Lets a paused schedule fire again, timing its next firing from now: firings that fell in the
   * pause are not caught up. Resuming a running schedule changes nothing.
   */
  public Pipeline resume(String pipelineId) {
    var pipeline = scheduled(pipelineId, "resume");
    if (pipeline.schedulePaused()) {
      var now = clock.instant();
      var next = CronSchedule.parse(pipeline.cron()).nextAfter(now);
      store.setSchedule(pipelineId, pipeline.cron(), false, next, now);
    }
    return pipeline(pipelineId);
  }

  /** Removes the cron, paused or not; the pipeline no longer fires. Idempotent. */
  public Pipeline unset(String pipelineId) {
    var pipeline = pipeline(pipelineId);
    if (pipeline.cron() != null || pipeline.schedulePaused()) {
      store.setSchedule(pipelineId, null, false, null, clock.instant());
    }
    return pipeline(pipelineId);
  }

  private Pipeline scheduled(String pipelineId, String action) {
    var pipeline = pipeline(pipelineId);
    if (pipeline.cron() == null) {
      throw new InvalidParameterException(
          "Pipeline '%s' has no cron schedule to %s; set one with updatePipeline's cron"
              .formatted(pipeline.name(), action));
    }
    return pipeline;
  }

  private Pipeline pipeline(String pipelineId) {
    Definitions.requireName(pipelineId, "pipelineId");
    return store
        .findPipeline(pipelineId)
        .orElseThrow(() -> new NotFoundException("Pipeline not found: " + pipelineId));
  }
}
