package dev.penstock.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Python that tests run steps with: Debian's /usr/bin/python3 (the pyenv shim first on PATH
 * costs ~117 ms a start and cannot import Debian's packages), or PENSTOCK_TEST_PYTHON. Missing
 * Python fails the test with what to install; it never skips.
 */
public final class TestPython {
  private TestPython() {}

  public static String path() {
    String configured = System.getenv("PENSTOCK_TEST_PYTHON");
    String python = configured != null ? configured : "/usr/bin/python3";
    if (!Files.isExecutable(Path.of(python))) {
      throw new AssertionError(
          python
              + " is missing: install Debian's python3 (apt-get install python3)"
              + " or point PENSTOCK_TEST_PYTHON at a Python 3 interpreter");
    }
    return python;
  }
}
