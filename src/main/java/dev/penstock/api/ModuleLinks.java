package dev.penstock.api;

import dev.penstock.api.dto.ModuleDependencies;
import dev.penstock.engine.definition.ModuleImports;
import dev.penstock.model.PythonModule;
import dev.penstock.store.ModuleStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds a source's module dependencies against the modules as they are now, read once per response
 * however many functions it shows. Not thread-safe; one per response.
 */
final class ModuleLinks implements ModuleDependencies {
  private final ModuleStore modules;
  private Map<String, PythonModule> byName;

  ModuleLinks(ModuleStore modules) {
    this.modules = modules;
  }

  @Override
  public List<String> of(String sourceCode) {
    if (byName == null) {
      byName = new HashMap<>();
      modules.listModules().forEach(module -> byName.put(module.name(), module));
    }
    if (byName.isEmpty()) {
      return List.of();
    }
    return List.copyOf(ModuleImports.of(sourceCode, byName::get).keySet());
  }
}
