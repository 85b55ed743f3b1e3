package dev.penstock.executor.local;

import dev.penstock.executor.PythonImports;
import dev.penstock.executor.StepLaunch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which modules each interpreter's fork server is asked to import before it forks: those the steps
 * headed its way import, as their sources say, but not the run's own modules (createModule), which
 * change from run to run and lie in the step's PYTHONPATH folders. A name is offered once per
 * interpreter; the ones a server loaded are offered again to the server that replaces it, the ones
 * it skipped or died on are not. Thread-safe: one lock.
 */
final class Preloads {
  private final Map<Path, Set<String>> offered = new HashMap<>();
  private final Map<Path, Set<String>> loaded = new HashMap<>();

  /** The modules {@code launch} imports that {@code python}'s server has not been offered yet. */
  List<String> toOffer(Path python, StepLaunch launch) {
    Set<String> wanted = PythonImports.of(launch.sourceCode());
    synchronized (this) {
      wanted.removeAll(offered.getOrDefault(python, Set.of()));
    }
    if (wanted.isEmpty()) {
      return List.of();
    }
    wanted.removeAll(runModules(launch));
    synchronized (this) {
      Set<String> before = offered.computeIfAbsent(python, key -> new HashSet<>());
      var fresh = new ArrayList<String>();
      for (String name : wanted) {
        if (before.add(name)) {
          fresh.add(name);
        }
      }
      return fresh;
    }
  }

  synchronized void loaded(Path python, List<String> names) {
    loaded.computeIfAbsent(python, key -> new HashSet<>()).addAll(names);
  }

  /** What a new server for {@code python} should load at once. */
  synchronized List<String> loadedBy(Path python) {
    return List.copyOf(loaded.getOrDefault(python, Set.of()));
  }

  /** Forgets {@code python}: its environment is gone. */
  synchronized void forget(Path python) {
    offered.remove(python);
    loaded.remove(python);
  }

  /** The names the step's PYTHONPATH folders hold: the run's own modules. */
  private static Set<String> runModules(StepLaunch launch) {
    String path = launch.environment() == null ? null : launch.environment().get("PYTHONPATH");
    var names = new HashSet<String>();
    if (path == null || path.isEmpty()) {
      return names;
    }
    for (String folder : path.split(":")) {
      if (folder.isEmpty()) {
        continue;
      }
      try (Stream<Path> entries = Files.list(Path.of(folder))) {
        entries.forEach(entry -> names.add(entry.getFileName().toString().split("\\.", 2)[0]));
      } catch (IOException | RuntimeException e) {
        // A folder that is not there holds no module.
      }
    }
    return names;
  }
}
