package dev.penstock.engine.definition;

import dev.penstock.executor.PythonInspector;
import dev.penstock.model.AlreadyExistsException;
import dev.penstock.model.InvalidParameterException;
import dev.penstock.model.MissingParameterException;
import dev.penstock.model.NotFoundException;
import dev.penstock.model.PythonModule;
import dev.penstock.store.ModuleStore;
import java.time.InstantSource;
import java.util.Set;

/**
 * Writes Python modules: named source that step code imports by name. A module's source must parse;
 * its name must be a Python identifier. Runs snapshot the modules they use, so changing or deleting
 * one never changes a run already accepted. Thread-safe.
 */
public final class Modules {
  /** 255 bytes, the longest file name on Linux file systems, less ".py". */
  static final int MAX_NAME_LENGTH = 252;

  /** Python's keywords: `import class` does not parse, so no step could import such a module. */
  private static final Set<String> KEYWORDS =
      Set.of(
          "False",
          "None",
          "True",
          "and",
          "as",
          "assert",
          "async",
          "await",
          "break",
          "class",
          "continue",
          "def",
          "del",
          "elif",
          "else",
          "except",
          "finally",
          "for",
          "from",
          "global",
          "if",
          "import",
          "in",
          "is",
          "lambda",
          "nonlocal",
          "not",
          "or",
          "pass",
          "raise",
          "return",
          "try",
          "while",
          "with",
          "yield");

  private final ModuleStore store;
  private final PythonInspector inspector;
  private final InstantSource clock;

  public Modules(ModuleStore store, PythonInspector inspector, InstantSource clock) {
    this.store = store;
    this.inspector = inspector;
    this.clock = clock;
  }

  public PythonModule create(String name, String sourceCode) {
    checkName(name);
    if (store.findModule(name).isPresent()) {
      throw new AlreadyExistsException("A module named '" + name + "' already exists");
    }
    checkSource(sourceCode);
    var now = clock.instant();
    var module = new PythonModule(name, sourceCode, now, now);
    store.createModule(module);
    return module;
  }

  public PythonModule update(String name, String sourceCode) {
    var current = find(name);
    if (sourceCode == null) {
      return current;
    }
    checkSource(sourceCode);
    var updated = new PythonModule(name, sourceCode, current.createdAt(), clock.instant());
    store.updateModule(updated);
    return updated;
  }

  public void delete(String name) {
    find(name);
    store.deleteModule(name);
  }

  public PythonModule find(String name) {
    Definitions.requireName(name, "name");
    return store
        .findModule(name)
        .orElseThrow(() -> new NotFoundException("Module not found: " + name));
  }

  private static void checkName(String name) {
    Definitions.requireName(name, "name");
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*") || KEYWORDS.contains(name)) {
      throw new InvalidParameterException(
          "module name '" + name + "' is not a valid Python identifier");
    }
    // A run writes the module to <name>.py, and no file system takes a longer file name.
    if (name.length() > MAX_NAME_LENGTH) {
      throw new InvalidParameterException(
          "module name is %d characters long; a module name is at most %d, so that <name>.py is a file name steps can import"
              .formatted(name.length(), MAX_NAME_LENGTH));
    }
  }

  private void checkSource(String sourceCode) {
    if (sourceCode == null) {
      throw new MissingParameterException("sourceCode is required");
    }
    var inspection = SourceCheck.inspect(inspector, sourceCode, "_");
    if (!inspection.parsed()) {
      throw new InvalidParameterException(
          "sourceCode has a Python syntax error at line %d: %s"
              .formatted(inspection.syntaxErrorLine(), inspection.syntaxErrorMessage()));
    }
  }
}
