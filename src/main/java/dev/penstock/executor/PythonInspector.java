package dev.penstock.executor;

import java.util.List;

/** Parses Python source with a real Python, without running it. Thread-safe. */
public interface PythonInspector {

  /**
   * Parses {@code sourceCode} and looks for a top-level function {@code functionName} (a plain or
   * async def). Throws {@link ExecutorException} only when Python itself cannot be run.
   */
  Inspection inspect(String sourceCode, String functionName);

  /**
   * The result: a syntax error (line and message) or, when it parsed, whether the function exists,
   * its parameter names (positional and keyword), and whether it takes {@code **kwargs}.
   */
  record Inspection(
      Integer syntaxErrorLine,
      String syntaxErrorMessage,
      boolean functionFound,
      List<String> parameters,
      boolean acceptsKwargs) {

    public boolean parsed() {
      return syntaxErrorMessage == null;
    }
  }
}
