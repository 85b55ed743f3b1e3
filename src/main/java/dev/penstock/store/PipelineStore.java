package dev.penstock.store;

import dev.penstock.model.Pipeline;
import dev.penstock.model.PipelineStep;
import dev.penstock.model.PythonFunction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pipeline definitions: Python functions, pipelines and their steps. Every write is one
 * transaction, durable when the method returns. Implementations are thread-safe. Callers validate
 * input first; the store only enforces uniqueness and existence.
 */
public interface PipelineStore {

  /**
   * Stores a new user function. Throws {@link dev.penstock.model.AlreadyExistsException} when a
   * function of that name exists (nothing is written).
   */
  void createFunction(PythonFunction function);

  /**
   * Replaces the function row with the same id (all fields but id, createdAt and ownerStepId).
   * Throws {@link dev.penstock.model.NotFoundException} when the id names no function.
   */
  void updateFunction(PythonFunction function);

  /** Deletes the function by name; returns false when there was none. */
  boolean deleteFunction(String name);

  Optional<PythonFunction> findFunctionByName(String name);

  Optional<PythonFunction> findFunction(String id);

  /** Functions of the given type (all when null), by name. */
  List<PythonFunction> listFunctions(String functionType);

  /**
   * Stores a new pipeline, its schedule (cron, schedulePaused, nextRunAt) included.
   * AlreadyExistsException when the name is taken.
   */
  void createPipeline(Pipeline pipeline);

  /**
   * Replaces every field but id, createdAt and the schedule (cron, schedulePaused, nextRunAt),
   * which only {@link #setSchedule} and {@link #claimScheduledRun} write: so an edit read before a
   * firing and written after it cannot put back the firing's due time and make it fire twice.
   * AlreadyExistsException when a rename takes another pipeline's name; NotFoundException when the
   * id names nothing.
   */
  void updatePipeline(Pipeline pipeline);

  /**
   * Replaces the pipeline's schedule in one write: {@code cron} (null: none), {@code paused}, and
   * {@code nextRunAt} (null: never fires), and sets updatedAt. Unconditional: the caller computed
   * nextRunAt from the cron. NotFoundException when the id names no pipeline.
   */
  void setSchedule(
      String pipelineId, String cron, boolean paused, Instant nextRunAt, Instant updatedAt);

  /**
   * Pipelines whose schedule is due: a cron, not paused, and nextRunAt at or before {@code now};
   * earliest nextRunAt first. A pipeline listed here may already be fired by another caller: only
   * {@link #claimScheduledRun} decides.
   */
  List<Pipeline> dueSchedules(Instant now);

  /**
   * Claims one firing of a schedule: moves nextRunAt from {@code due} to {@code next} (null: never
   * again) if it is still {@code due} and the schedule is not paused. Returns true for exactly one
   * of any number of callers claiming the same firing, on any node; false when another caller
   * claimed it first, the schedule was paused, unset or retimed meanwhile, or the pipeline is gone.
   */
  boolean claimScheduledRun(String pipelineId, Instant due, Instant next);

  /**
   * Deletes the pipeline with its steps, their functions, and its versions with everything they own
   * (step versions, history, run keys). Returns false when there was no such pipeline.
   */
  boolean deletePipeline(String pipelineId);

  Optional<Pipeline> findPipeline(String pipelineId);

  Optional<Pipeline> findPipelineByName(String pipelineName);

  /** Pipelines of the project (all when projectId is null), oldest first. */
  List<Pipeline> listPipelines(String projectId);

  /**
   * Ids of the pipelines of the project (all when projectId is null), oldest first: a view reads
   * each pipeline in its turn rather than every pipeline's variables at once.
   */
  List<String> pipelineIds(String projectId);

  /**
   * Each step's name and the names it depends on, in the pipeline's order: what a check of names
   * and of the graph needs, without the steps' code and mappings.
   */
  Map<String, List<String>> stepDependencies(String pipelineId);

  /**
   * Stores a new step and its function (step.function(), whose ownerStepId is the step's id) in one
   * transaction. AlreadyExistsException when the pipeline has a step of that name.
   */
  void createStep(PipelineStep step);

  /**
   * Stores new steps and their functions, all in one transaction: all of them, or, when one of them
   * cannot be stored (a name taken, the pipeline gone), none, with that one's exception.
   */
  void createSteps(List<PipelineStep> steps);

  /**
   * Replaces the step's row and its function's row in one transaction (name changes included).
   * AlreadyExistsException on a name taken in the pipeline; NotFoundException when missing.
   */
  void updateStep(PipelineStep step);

  /** Deletes the step and its function; returns false when there was none. */
  boolean deleteStep(String pipelineStepId);

  Optional<PipelineStep> findStep(String pipelineStepId);

  Optional<PipelineStep> findStepByName(String pipelineId, String stepName);

  /** The pipeline's steps in creation order. */
  List<PipelineStep> listSteps(String pipelineId);

  /** Which state of each of the pipeline's steps is stored, in creation order; a light read. */
  List<StepStamp> stepStamps(String pipelineId);
}
