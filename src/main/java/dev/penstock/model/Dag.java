package dev.penstock.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Step names and their dependency edges. Immutable and thread-safe. */
public final class Dag {
  private final Map<String, List<String>> dependencies;

  private Dag(Map<String, List<String>> dependencies) {
    this.dependencies = dependencies;
  }

  /** {@code dependenciesByStep}: step name → names of the steps it waits for. */
  public static Dag of(Map<String, ? extends Collection<String>> dependenciesByStep) {
    var copy = new LinkedHashMap<String, List<String>>();
    dependenciesByStep.forEach((step, deps) -> copy.put(step, List.copyOf(deps)));
    return new Dag(copy);
  }

  /** Dependencies that name no step of this DAG, as "step → missing" pairs in step order. */
  public List<String> unknownDependencies() {
    var unknown = new ArrayList<String>();
    dependencies.forEach(
        (step, deps) -> {
          for (String dep : deps) {
            if (!dependencies.containsKey(dep)) {
              unknown.add(step + " → " + dep);
            }
          }
        });
    return unknown;
  }

  /** A dependency cycle as step names, first repeated last (a → b → a), if there is one. */
  public Optional<List<String>> findCycle() {
    var state = new HashMap<String, Integer>(); // 1 = on the path, 2 = done
    for (String start : dependencies.keySet()) {
      var path = new ArrayList<String>();
      var cycle = visit(start, state, path);
      if (cycle.isPresent()) {
        return cycle;
      }
    }
    return Optional.empty();
  }

  private Optional<List<String>> visit(String step, Map<String, Integer> state, List<String> path) {
    Integer seen = state.get(step);
    if (seen != null && seen == 2) {
      return Optional.empty();
    }
    if (seen != null && seen == 1) {
      var cycle = new ArrayList<>(path.subList(path.indexOf(step), path.size()));
      cycle.add(step);
      return Optional.of(cycle);
    }
    state.put(step, 1);
    path.add(step);
    for (String dep : dependencies.getOrDefault(step, List.of())) {
      var cycle = visit(dep, state, path);
      if (cycle.isPresent()) {
        return cycle;
      }
    }
    path.remove(path.size() - 1);
    state.put(step, 2);
    return Optional.empty();
  }

  /** Every step that depends, directly or not, on one of {@code roots}; the roots excluded. */
  public Set<String> downstreamOf(Collection<String> roots) {
    var result = new HashSet<String>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (var entry : dependencies.entrySet()) {
        if (result.contains(entry.getKey()) || roots.contains(entry.getKey())) {
          continue;
        }
        for (String dep : entry.getValue()) {
          if (roots.contains(dep) || result.contains(dep)) {
            result.add(entry.getKey());
            grew = true;
            break;
          }
        }
      }
    }
    return result;
  }
}
