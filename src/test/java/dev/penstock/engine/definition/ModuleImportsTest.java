package dev.penstock.engine.definition;

import static org.assertj.core.api.Assertions.assertThat;

import dev.penstock.model.PythonModule;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModuleImportsTest {
  private static final Map<String, PythonModule> KNOWN =
      Map.of(
          "helpers", module("helpers", "import shared\n\ndef help():\n    return shared.X\n"),
          "shared", module("shared", "X = 1\n"),
          "unused", module("unused", "Y = 2\n"));

  private static PythonModule module(String name, String source) {
    return new PythonModule(name, source, Instant.EPOCH, Instant.EPOCH);
  }

  @Test
  void modules_imported_directly_and_through_other_modules_are_found() {
    var found =
        ModuleImports.of("from helpers import *\n\ndef f():\n    return help()\n", KNOWN::get);
    assertThat(found).containsOnlyKeys("helpers", "shared");
    assertThat(found.get("shared")).isEqualTo("X = 1\n");
  }

  @Test
  void every_spelling_of_import_is_read_and_unknown_modules_are_left_to_python() {
    assertThat(ModuleImports.of("import os, helpers as h\n", KNOWN::get))
        .containsOnlyKeys("helpers", "shared");
    assertThat(ModuleImports.of("    import shared.sub\n", KNOWN::get)).containsOnlyKeys("shared");
    assertThat(ModuleImports.of("import json\nfrom os import path\n", KNOWN::get)).isEmpty();
    assertThat(ModuleImports.of("x = 'import helpers' if False else 1\n", KNOWN::get)).isEmpty();
  }
}
