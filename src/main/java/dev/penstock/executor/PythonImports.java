package dev.penstock.executor;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The top-level module names a Python source imports ({@code import a.b, c as d} gives a and c,
 * {@code from e.f import g} gives e), read line by line without parsing the source: an import
 * inside a function counts, one inside a string may too, and a relative import does not. Good
 * enough to decide what to fetch or load ahead of time, where a wrong name costs a failed lookup.
 */
public final class PythonImports {
  private static final Pattern IMPORT =
      Pattern.compile(
          "^\\s*(?:from\\s+([A-Za-z_]\\w*)[\\w.]*\\s+import\\b|import\\s+([^#\\n]+))",
          Pattern.MULTILINE);

  private PythonImports() {}

  /** The names, in the order first imported. */
  public static Set<String> of(String source) {
    var names = new LinkedHashSet<String>();
    forEach(source, names::add);
    return names;
  }

  /** Calls {@code action} with each name as found, repeats included. */
  public static void forEach(String source, Consumer<String> action) {
    var matcher = IMPORT.matcher(source == null ? "" : source);
    while (matcher.find()) {
      if (matcher.group(1) != null) {
        action.accept(matcher.group(1));
        continue;
      }
      for (String part : matcher.group(2).split(",")) {
        String name = part.trim().split("[\\s.]")[0];
        if (!name.isEmpty()) {
          action.accept(name);
        }
      }
    }
  }
}
