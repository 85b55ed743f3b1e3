package dev.penstock.engine.definition;

import dev.penstock.executor.PythonImports;
import dev.penstock.model.PythonModule;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Finds the modules a step's code imports, and the modules those import, so a run can snapshot them
 * as it snapshots the step's own code. It reads import statements as text: a module imported only
 * through importlib or exec is not seen. Pure and thread-safe.
 */
public final class ModuleImports {
  private ModuleImports() {}

  /** Name → source of every known module that {@code source} imports, directly or not. */
  public static Map<String, String> of(String source, Function<String, PythonModule> lookup) {
    var found = new TreeMap<String, String>();
    var pending = new ArrayDeque<String>();
    pending.add(source == null ? "" : source);
    while (!pending.isEmpty()) {
      PythonImports.forEach(pending.poll(), name -> visit(name, lookup, found, pending));
    }
    return found;
  }

  private static void visit(
      String name,
      Function<String, PythonModule> lookup,
      Map<String, String> found,
      ArrayDeque<String> pending) {
    if (name.isEmpty() || found.containsKey(name)) {
      return;
    }
    PythonModule module = lookup.apply(name);
    if (module != null) {
      found.put(name, module.sourceCode());
      pending.add(module.sourceCode());
    }
  }
}
