package dev.penstock.web.run;

import dev.penstock.model.PipelineVersion;
import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import dev.penstock.store.StepProgress;
import dev.penstock.web.Formats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What one browser's live stream of a run has been told, and what to tell it next. Each poll reads
 * the steps whose row changed since a little before the previous poll ({@link #since()}): a
 * transaction that took its time before committing is still seen, some rows twice, and those the
 * browser already has (same status, attempt and change time) are not sent again. Counts by status,
 * of the run and of each fan-out group, follow the changes, so no poll reads or sends the whole
 * run; only the steps the page shows ({@code shown}) are sent one by one.
 *
 * <p>An event's id is the newest change time seen. A browser that reconnects sends it back
 * (Last-Event-ID), and its new stream sends the steps changed from {@link #SLACK} before it on:
 * whatever committed late behind that id too. Not thread-safe: one per stream.
 */
final class RunProgress {
  /** How long a change may take from its timestamp to its commit and still be seen. */
  static final Duration SLACK = Duration.ofSeconds(2);

  private record Seen(StepStatus status, int attempt, Instant updatedAt) {}

  private final Predicate<String> shown;
  private final Map<String, String> groupOf;
  private final Map<String, Seen> seen = new HashMap<>();
  private final StatusTally counts = new StatusTally();
  private final Map<String, StatusTally> groups = new HashMap<>();
  private long newest;
  private Instant since;
  private RunStatus runStatus;
  private Instant runUpdatedAt;
  private boolean countsChanged;

  /**
   * @param shown whether the page shows a step (by step version id) on its own: in its graph or on
   *     its page of the step table
   * @param groupOf the fan-out group each grouped step is drawn in, by step version id
   */
  RunProgress(Predicate<String> shown, Map<String, String> groupOf) {
    this.shown = shown;
    this.groupOf = Map.copyOf(groupOf);
  }

  /**
   * The first event, from every step of the run read at {@code readAt}: counts and groups, and the
   * steps shown that changed from {@link #SLACK} before {@code lastEventId} on (none without one:
   * the page was drawn from a read as fresh as this one).
   */
  LiveUpdate begin(PipelineVersion run, List<StepProgress> all, Instant readAt, Long lastEventId) {
    var changed = new ArrayList<LiveStep>();
    for (StepProgress step : all) {
      record(step);
      if (lastEventId != null
          && step.updatedAt().toEpochMilli() >= lastEventId - SLACK.toMillis()
          && shown.test(step.id())) {
        changed.add(StepText.live(step, readAt));
      }
    }
    noteRun(run);
    since = readAt.minus(SLACK);
    return update(run, changed, new LinkedHashSet<>(groups.keySet()), readAt);
  }

  /**
   * The next event, from the steps read at {@code readAt} as changed since {@link #since()}; null
   * when neither they nor the run changed.
   */
  LiveUpdate next(PipelineVersion run, List<StepProgress> changedSince, Instant readAt) {
    var changed = new ArrayList<LiveStep>();
    var touchedGroups = new LinkedHashSet<String>();
    for (StepProgress step : changedSince) {
      if (!record(step)) {
        continue;
      }
      if (groupOf.containsKey(step.id())) {
        touchedGroups.add(groupOf.get(step.id()));
      }
      if (shown.test(step.id())) {
        changed.add(StepText.live(step, readAt));
      }
    }
    boolean runChanged = noteRun(run);
    since = readAt.minus(SLACK);
    if (changed.isEmpty() && touchedGroups.isEmpty() && !runChanged && !countsChanged) {
      return null;
    }
    return update(run, changed, touchedGroups, readAt);
  }

  /** Where the next poll reads from. */
  Instant since() {
    return since;
  }

  /** The newest change seen, epoch millis: the id of the last event. */
  long newest() {
    return newest;
  }

  /** Takes in a step's row; false when the browser has it already. */
  private boolean record(StepProgress step) {
    var now = new Seen(step.status(), step.attempt(), step.updatedAt());
    Seen before = seen.put(step.id(), now);
    newest = Math.max(newest, step.updatedAt().toEpochMilli());
    if (now.equals(before)) {
      return false;
    }
    countsChanged = true;
    String group = groupOf.get(step.id());
    if (before != null) {
      counts.remove(before.status());
      if (group != null) {
        groups.get(group).remove(before.status());
      }
    }
    counts.add(step.status());
    if (group != null) {
      groups.computeIfAbsent(group, id -> new StatusTally()).add(step.status());
    }
    return true;
  }

  /** Takes in the run's row; true when its status or change time moved. */
  private boolean noteRun(PipelineVersion run) {
    newest = Math.max(newest, run.updatedAt().toEpochMilli());
    boolean changed = run.status() != runStatus || !run.updatedAt().equals(runUpdatedAt);
    runStatus = run.status();
    runUpdatedAt = run.updatedAt();
    return changed;
  }

  private LiveUpdate update(
      PipelineVersion run, List<LiveStep> steps, Set<String> touchedGroups, Instant now) {
    countsChanged = false;
    var liveGroups = new ArrayList<LiveGroup>();
    for (String group : touchedGroups) {
      StatusTally tally = groups.get(group);
      liveGroups.add(new LiveGroup(group, tally.mostTelling(), tally.summary()));
    }
    var byName = new TreeMap<String, Integer>();
    counts.all().forEach((status, count) -> byName.put(status.name(), count));
    var liveRun =
        new LiveRun(
            run.status().name().toLowerCase(Locale.ROOT),
            Formats.duration(run.startedAt(), run.completedAt(), now),
            Formats.iso(run.completedAt()),
            run.error(),
            !run.status().terminal(),
            byName);
    return new LiveUpdate(newest, liveRun, List.copyOf(steps), List.copyOf(liveGroups));
  }
}
