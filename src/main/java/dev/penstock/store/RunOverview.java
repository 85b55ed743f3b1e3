package dev.penstock.store;

import dev.penstock.model.PipelineVersion;
import dev.penstock.model.StepAttempt;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The reads behind pages that show many runs at once (the web UI's lists, a run's live stream):
 * runs without their step versions, counts, and the status changes a page has not seen yet. Every
 * method is one read; implementations are thread-safe.
 */
public interface RunOverview {

  /**
   * A page of the pipeline's versions, newest first, without their step versions ({@code steps()}
   * empty): {@code limit} of them after skipping {@code offset}. Empty when the pipeline has none.
   */
  List<PipelineVersion> versions(String pipelineId, int offset, int limit);

  /** How many versions the pipeline has (0 when the pipeline is unknown). */
  int versionCount(String pipelineId);

  /** The newest version of every pipeline that has one, by pipeline id, without step versions. */
  Map<String, PipelineVersion> latestVersions();

  /** How many steps each pipeline that has steps defines, by pipeline id. */
  Map<String, Integer> stepCounts();

  /**
   * The names of the steps the given versions have, each once, ordered by the smallest position any
   * of them gives it (then by name): a page of {@code limit} after skipping {@code offset}, so that
   * runs of a pipeline whose steps changed line up by step name. Unknown version ids add nothing;
   * no ids, no names.
   */
  List<String> stepNames(Collection<String> pipelineVersionIds, int offset, int limit);

  /** How many names {@link #stepNames} lists for these versions in all. */
  int stepNameCount(Collection<String> pipelineVersionIds);

  /**
   * Where the named steps stand in each of the given versions, in one read: by version id, the step
   * versions whose name is among {@code stepNames}, in position order, as {@link #stepProgress}
   * reads them. A version with none of them (or unknown) has no entry.
   */
  Map<String, List<StepProgress>> stepProgressByVersion(
      Collection<String> pipelineVersionIds, Collection<String> stepNames);

  /**
   * The version's step versions whose row changed at or after {@code since} (all when null), in
   * position order, as a live page shows them: status and times, no code, inputs or outputs. A
   * reader that polls with a {@code since} a little before its previous read sees every change,
   * whichever node or transaction made it, some more than once.
   */
  List<StepProgress> stepProgress(String pipelineVersionId, Instant since);

  /** The version without its step versions ({@code steps()} empty); empty when there is none. */
  Optional<PipelineVersion> version(String pipelineVersionId);

  /**
   * Each step of the version with the names of the steps it depends on, by step name in position
   * order: the run's graph, which never changes once the run exists. Empty for an unknown version.
   */
  Map<String, List<String>> stepDependencies(String pipelineVersionId);

  /**
   * The ended attempts of the named step versions of the version, by step version id, oldest first,
   * without their inputs and outputs ({@link StepAttempt#boundInputs()} and {@link
   * StepAttempt#outputValues()} are null): what a timeline draws. Steps with no ended attempt, and
   * ids of other versions' steps, are absent.
   */
  Map<String, List<StepAttempt>> attemptSpans(
      String pipelineVersionId, Collection<String> stepVersionIds);
}
