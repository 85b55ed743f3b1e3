package dev.penstock.api;

import dev.penstock.api.dto.ModuleResponse;
import java.util.Map;

/** createModule and friends: Python source shared by steps (docs/abacus-api.md §3). Thread-safe. */
final class ModuleRoutes {
  private final ApiServer.Services services;

  ModuleRoutes(ApiServer.Services services) {
    this.services = services;
  }

  void register(Map<String, ApiMethod> methods) {
    methods.put(
        "createModule",
        params ->
            ModuleResponse.of(
                services
                    .modules()
                    .create(params.requiredString("name"), params.string("sourceCode"))));
    methods.put(
        "updateModule",
        params ->
            ModuleResponse.of(
                services
                    .modules()
                    .update(params.requiredString("name"), params.string("sourceCode"))));
    methods.put(
        "describeModule",
        params -> ModuleResponse.of(services.modules().find(params.requiredString("name"))));
    methods.put(
        "deleteModule",
        params -> {
          services.modules().delete(params.requiredString("name"));
          return null;
        });
    methods.put(
        "listModules",
        params -> services.moduleStore().listModules().stream().map(ModuleResponse::of).toList());
  }
}
