package dev.penstock.web;

import dev.penstock.model.PipelineVersion;
import dev.penstock.store.RunOverview;
import dev.penstock.store.StepProgress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Draws runs' graphs. A run's dependencies never change once it exists, so each run's are read once
 * and kept for the few runs looked at last. Thread-safe.
 */
final class RunGraphs {
  private static final int CACHED_RUNS = 16;

  private final RunOverview overview;
  private final Map<String, Map<String, List<String>>> dependencies =
      new LinkedHashMap<>(CACHED_RUNS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, List<String>>> eldest) {
          return size() > CACHED_RUNS;
        }
      };

  RunGraphs(RunOverview overview) {
    this.overview = overview;
  }

  DrawnGraph draw(PipelineVersion run, List<StepProgress> steps, RunQuery query, Instant now) {
    return DrawnGraph.none("The graph is not drawn yet.");
  }

  /** The run's steps' dependencies by step name, read once per run. */
  Map<String, List<String>> dependencies(String versionId) {
    synchronized (dependencies) {
      var cached = dependencies.get(versionId);
      if (cached != null) {
        return cached;
      }
    }
    // Read outside the lock: two first looks at one run read it twice, harmlessly.
    var read = overview.stepDependencies(versionId);
    synchronized (dependencies) {
      dependencies.put(versionId, read);
    }
    return read;
  }
}
