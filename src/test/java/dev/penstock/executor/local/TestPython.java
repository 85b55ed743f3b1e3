package dev.penstock.executor.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

/** The real interpreter the executor tests run steps in. */
final class TestPython {
  static final Path PYTHON = Path.of("/usr/bin/python3");

  private TestPython() {}

  /** Debian's python3; fails (never skips) when it is missing, naming the package to install. */
  static Path python() {
    assertThat(PYTHON)
        .withFailMessage(
            "These tests run steps in a real Python at %s, which is missing: install Debian's"
                + " python3 (apt-get install python3)",
            PYTHON)
        .isExecutable();
    return PYTHON;
  }
}
