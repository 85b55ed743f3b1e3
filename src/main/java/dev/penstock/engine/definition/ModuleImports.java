package dev.penstock.engine.definition;

import dev.penstock.model.PythonModule;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Finds the modules a step's code imports, and the modules those import, so a run can snapshot them
 * as it snapshots the step's own code. It reads import statements as text: a module imported only
 * through importlib or exec is not seen. Pure and thread-safe.
 */
public final class ModuleImports {
  private static final Pattern IMPORT =
      Pattern.compile(
          "^\\s*(?:from\\s+([A-Za-z_]\\w*)[\\w.]*\\s+import\\b|import\\s+([^#\\n]+))",
          Pattern.MULTILINE);

  private ModuleImports() {}

  /** Name → source of every known module that {@code source} imports, directly or not. */
  public static Map<String, String> of(String source, Function<String, PythonModule> lookup) {
    var found = new TreeMap<String, String>();
    var pending = new ArrayDeque<String>();
    pending.add(source == null ? "" : source);
    while (!pending.isEmpty()) {
      var matcher = IMPORT.matcher(pending.poll());
      while (matcher.find()) {
        if (matcher.group(1) != null) {
          visit(matcher.group(1), lookup, found, pending);
        } else {
          for (String part : matcher.group(2).split(",")) {
            String name = part.trim().split("[\\s.]")[0];
            visit(name, lookup, found, pending);
          }
        }
      }
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
