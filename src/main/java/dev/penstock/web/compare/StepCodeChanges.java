package dev.penstock.web.compare;

import dev.penstock.model.StepVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What changed in a step's code between two runs' snapshots: its source, each module it imports,
 * its package requirements. Stateless and thread-safe.
 */
final class StepCodeChanges {
  private StepCodeChanges() {}

  /**
   * The files that differ, each with its diff; empty when the code is the same (or a side is
   * missing).
   */
  static List<RunComparison.FileDiff> between(StepVersion a, StepVersion b) {
    if (a == null || b == null) {
      return List.of();
    }
    var changes = new ArrayList<RunComparison.FileDiff>();
    add(changes, "function " + b.functionName(), a.sourceCode(), b.sourceCode());
    Map<String, String> before = a.modules() == null ? Map.of() : a.modules();
    Map<String, String> after = b.modules() == null ? Map.of() : b.modules();
    var names = new TreeSet<>(before.keySet());
    names.addAll(after.keySet());
    for (String module : names) {
      add(changes, "module " + module, before.get(module), after.get(module));
    }
    add(
        changes,
        "package requirements",
        String.join("\n", Objects.requireNonNullElse(a.packageRequirements(), List.of())),
        String.join("\n", Objects.requireNonNullElse(b.packageRequirements(), List.of())));
    return changes;
  }

  private static void add(
      List<RunComparison.FileDiff> changes, String title, String before, String after) {
    var lines = CodeDiff.unified(before, after);
    if (!lines.isEmpty()) {
      changes.add(new RunComparison.FileDiff(title, lines));
    }
  }
}
