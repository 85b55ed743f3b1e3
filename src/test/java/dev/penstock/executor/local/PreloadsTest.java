package dev.penstock.executor.local;

import static dev.penstock.executor.local.TestLaunches.launch;
import static dev.penstock.executor.local.TestLaunches.withEnvironment;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreloadsTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");
  @TempDir Path root;
  private final Preloads preloads = new Preloads();

  @Test
  void each_imported_name_is_offered_once_per_interpreter() {
    String source =
        "import pandas as pd, numpy\nfrom sklearn.linear_model import X\nimport pandas\n";

    assertThat(preloads.toOffer(PYTHON, launch(root, source)))
        .containsExactly("pandas", "numpy", "sklearn");
    assertThat(preloads.toOffer(PYTHON, launch(root, source + "import scipy\n")))
        .containsExactly("scipy");
    assertThat(preloads.toOffer(Path.of("/venv/bin/python"), launch(root, source))).hasSize(3);
  }

  @Test
  void the_runs_own_modules_are_never_offered() throws Exception {
    Path modules = Files.createDirectories(root.resolve("modules"));
    Files.writeString(modules.resolve("helpers.py"), "");
    Files.createDirectories(modules.resolve("package"));
    var launch =
        withEnvironment(
            launch(root, "import helpers\nimport package.inner\nimport json\n"),
            Map.of("PYTHONPATH", modules.toString()));

    assertThat(preloads.toOffer(PYTHON, launch)).containsExactly("json");
  }

  @Test
  void a_new_server_loads_what_the_last_one_loaded_and_a_deleted_environment_starts_over() {
    preloads.toOffer(PYTHON, launch(root, "import a\nimport b\n"));
    preloads.loaded(PYTHON, List.of("a"));

    assertThat(preloads.loadedBy(PYTHON)).containsExactly("a");
    preloads.forget(PYTHON);
    assertThat(preloads.loadedBy(PYTHON)).isEmpty();
    assertThat(preloads.toOffer(PYTHON, launch(root, "import a\n"))).containsExactly("a");
  }
}
