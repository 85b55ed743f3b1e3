package dev.penstock.engine.run;

import dev.penstock.model.RunStatus;
import dev.penstock.model.StepStatus;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * One run's plan, kept up to date one step change at a time. A PENDING step starts once every
 * upstream is COMPLETE and is skipped once any upstream ended otherwise (the reason names that
 * upstream); skips cascade within one plan. The run finishes when no step is PENDING or RUNNING:
 * FAILED naming the failed steps, CANCELLED if a step was cancelled, COMPLETE otherwise.
 *
 * <p>A change costs work in proportion to the step's dependants, and a plan in proportion to what
 * it starts and skips, not to the size of the run: a 10,000-step run is never planned from scratch
 * but once. It counts, per step, the upstreams not yet COMPLETE and those that ended otherwise, and
 * keeps the steps that could start in a set.
 *
 * <p>It also notes when each step became ready to start ({@link System#nanoTime}), for the dispatch
 * latency the metrics show: the time of the change that made it so, as the caller gives it. Not
 * thread-safe: one planner thread owns it.
 */
final class RunState {
  private final List<StepState> steps;
  private final int[][] dependencies; // positions; -1 for a name the run lacks
  private final int[][] dependants;
  private final StepStatus[] status;
  private final Instant[] notBefore;
  private final int[] upstreamsNotComplete;
  private final int[] upstreamsBlocking; // ended FAILED, SKIPPED or CANCELLED
  private final BitSet startable = new BitSet(); // PENDING, every upstream COMPLETE
  private final BitSet retrying = new BitSet(); // has a notBefore: may have to wait
  private final int[] order; // position -> rank in dependency order
  private final PriorityQueue<Integer> toSkip;
  private final long[] readySince; // nanoTime; meaningful while the step is startable
  private long changeNanos; // when the change being applied happened
  private int open; // PENDING or RUNNING

  RunState(List<StepState> steps) {
    this(steps, System.nanoTime(), null);
  }

  /**
   * The run as read at {@code readNanos}: a step that can start is ready since then, or since
   * {@code previous} (this run's state before it was read again, or null) had it ready.
   */
  RunState(List<StepState> steps, long readNanos, RunState previous) {
    this.steps = new ArrayList<>(steps);
    int n = steps.size();
    Map<String, Integer> positions = new HashMap<>();
    for (int i = 0; i < n; i++) {
      positions.put(steps.get(i).name(), i);
    }
    dependencies = new int[n][];
    var dependantLists = new ArrayList<List<Integer>>(n);
    for (int i = 0; i < n; i++) {
      dependantLists.add(new ArrayList<>(0));
    }
    for (int i = 0; i < n; i++) {
      List<String> names = steps.get(i).dependencies();
      dependencies[i] = new int[names.size()];
      for (int d = 0; d < names.size(); d++) {
        Integer upstream = positions.get(names.get(d));
        dependencies[i][d] = upstream == null ? -1 : upstream;
        if (upstream != null) {
          dependantLists.get(upstream).add(i);
        }
      }
    }
    dependants = new int[n][];
    for (int i = 0; i < n; i++) {
      dependants[i] = dependantLists.get(i).stream().mapToInt(Integer::intValue).toArray();
    }
    order = dependencyOrder();
    toSkip = new PriorityQueue<>(Comparator.comparingInt(position -> order[position]));
    status = new StepStatus[n];
    notBefore = new Instant[n];
    readySince = new long[n];
    changeNanos = readNanos;
    upstreamsNotComplete = new int[n];
    upstreamsBlocking = new int[n];
    for (int i = 0; i < n; i++) {
      status[i] = StepStatus.PENDING; // as if nothing had happened yet, then brought up to date
      upstreamsNotComplete[i] = dependencies[i].length;
      open++;
    }
    for (int i = 0; i < n; i++) {
      if (upstreamsNotComplete[i] == 0) {
        startable.set(i);
        readySince[i] = readNanos;
      }
    }
    for (int i = 0; i < n; i++) {
      update(i, steps.get(i).status(), steps.get(i).notBefore(), readNanos);
    }
    if (previous != null && previous.steps.size() == n) {
      for (int i = startable.nextSetBit(0); i >= 0; i = startable.nextSetBit(i + 1)) {
        if (previous.startable.get(i)) {
          readySince[i] = previous.readySince[i];
        }
      }
    }
  }

  /** The step at {@code position} now has this status (and retry time, or null). */
  void update(int position, StepStatus now, Instant retryAt) {
    update(position, now, retryAt, System.nanoTime());
  }

  /** As {@link #update(int, StepStatus, Instant)}, for a change made at {@code atNanos}. */
  void update(int position, StepStatus now, Instant retryAt, long atNanos) {
    changeNanos = atNanos;
    StepStatus before = status[position];
    if (before == now && Objects.equals(notBefore[position], retryAt)) {
      return;
    }
    status[position] = now;
    notBefore[position] = retryAt;
    retrying.set(position, retryAt != null);
    StepState old = steps.get(position);
    steps.set(
        position, new StepState(old.stepVersionId(), old.name(), old.dependencies(), now, retryAt));
    if (before == now) {
      return;
    }
    open += (open(now) ? 1 : 0) - (open(before) ? 1 : 0);
    int completeDelta =
        (now == StepStatus.COMPLETE ? 1 : 0) - (before == StepStatus.COMPLETE ? 1 : 0);
    int blockingDelta = (blocking(now) ? 1 : 0) - (blocking(before) ? 1 : 0);
    for (int dependant : dependants[position]) {
      upstreamsNotComplete[dependant] -= completeDelta;
      upstreamsBlocking[dependant] += blockingDelta;
      recheck(dependant);
    }
    recheck(position);
  }

  /**
   * What the run does next: at most {@code maxStarts} steps to start, in position order; a retry
   * whose notBefore is after {@code now} waits, and the plan says when to look again.
   */
  Plan plan(Instant now, int maxStarts) {
    var skip = new ArrayList<Plan.Skip>();
    // Skips cascade within one plan: a skipped step's dependants are decided after it.
    while (!toSkip.isEmpty()) {
      int position = toSkip.poll();
      if (status[position] != StepStatus.PENDING || upstreamsBlocking[position] == 0) {
        continue;
      }
      int upstream = firstBlockingUpstream(position);
      skip.add(
          new Plan.Skip(
              steps.get(position).stepVersionId(),
              skipReason(steps.get(upstream).name(), status[upstream])));
      update(position, StepStatus.SKIPPED, notBefore[position], changeNanos);
    }
    var start = new ArrayList<StepState>();
    Instant wakeAt = null;
    // Once full, only a step waiting for its retry time can still matter (for wakeAt): without
    // one, the scan stops, so a fan-out's thousands of startable squares are not walked per plan,
    // and every startable step is due (ready counts them by the bits, a few words per plan).
    boolean anyRetrying = startable.intersects(retrying);
    int due = 0;
    for (int i = startable.nextSetBit(0); i >= 0; i = startable.nextSetBit(i + 1)) {
      if (start.size() == maxStarts && !anyRetrying) {
        break;
      }
      Instant retryAt = notBefore[i];
      if (retryAt != null && retryAt.isAfter(now)) {
        wakeAt = wakeAt == null || retryAt.isBefore(wakeAt) ? retryAt : wakeAt;
      } else {
        due++;
        if (start.size() < maxStarts) {
          start.add(steps.get(i));
        }
      }
    }
    int ready = anyRetrying ? due : startable.cardinality();
    Optional<Plan.Finish> finish =
        open == 0 && wakeAt == null ? Optional.of(finish()) : Optional.empty();
    return new Plan(start, skip, finish, Optional.ofNullable(wakeAt), ready);
  }

  /**
   * When the step at {@code position} became ready to start ({@link System#nanoTime}): the change
   * that made its last upstream COMPLETE or put it back to PENDING, or the read of the run. Only
   * meaningful for a step the last plan started.
   */
  long readySince(int position) {
    return readySince[position];
  }

  /** Kahn's algorithm; steps on a cycle (rejected when written, so never here) come last. */
  private int[] dependencyOrder() {
    int n = dependencies.length;
    int[] waiting = new int[n];
    var ready = new ArrayDeque<Integer>();
    for (int i = 0; i < n; i++) {
      waiting[i] = dependencies[i].length; // a name the run lacks is never placed
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    int[] rank = new int[n];
    Arrays.fill(rank, Integer.MAX_VALUE);
    int next = 0;
    while (!ready.isEmpty()) {
      int position = ready.poll();
      rank[position] = next++;
      for (int dependant : dependants[position]) {
        if (--waiting[dependant] == 0) {
          ready.add(dependant);
        }
      }
    }
    return rank;
  }

  private void recheck(int position) {
    boolean pending = status[position] == StepStatus.PENDING;
    boolean ready =
        pending && upstreamsNotComplete[position] == 0 && upstreamsBlocking[position] == 0;
    if (ready && !startable.get(position)) {
      readySince[position] = changeNanos;
    }
    startable.set(position, ready);
    if (pending && upstreamsBlocking[position] > 0) {
      toSkip.add(position);
    }
  }

  private int firstBlockingUpstream(int position) {
    for (int upstream : dependencies[position]) {
      if (upstream >= 0 && blocking(status[upstream])) {
        return upstream;
      }
    }
    throw new IllegalStateException("no blocking upstream for " + steps.get(position).name());
  }

  private Plan.Finish finish() {
    var failed = new ArrayList<String>();
    boolean cancelled = false;
    for (int i = 0; i < status.length; i++) {
      if (status[i] == StepStatus.FAILED) {
        failed.add(steps.get(i).name());
      }
      cancelled |= status[i] == StepStatus.CANCELLED;
    }
    if (!failed.isEmpty()) {
      String noun = failed.size() == 1 ? "step " : "steps ";
      return new Plan.Finish(
          RunStatus.FAILED, "Pipeline failed: " + noun + quoteAll(failed) + " failed");
    }
    if (cancelled) {
      return new Plan.Finish(RunStatus.CANCELLED, "Pipeline was cancelled");
    }
    return new Plan.Finish(RunStatus.COMPLETE, null);
  }

  private static boolean open(StepStatus status) {
    return !status.terminal();
  }

  private static boolean blocking(StepStatus status) {
    return status.terminal() && !status.successful();
  }

  static String skipReason(String upstream, StepStatus upstreamStatus) {
    return switch (upstreamStatus) {
      case FAILED -> "skipped because upstream step '" + upstream + "' failed";
      case CANCELLED -> "skipped because upstream step '" + upstream + "' was cancelled";
      default -> "skipped because upstream step '" + upstream + "' was skipped";
    };
  }

  static String quoteAll(List<String> names) {
    var quoted = new ArrayList<String>();
    for (String name : names) {
      quoted.add("'" + name + "'");
    }
    return String.join(", ", quoted);
  }
}
