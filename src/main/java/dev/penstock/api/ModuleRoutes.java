package dev.penstock.api;

import static dev.penstock.api.ApiMethod.Verb.DELETE;
import static dev.penstock.api.ApiMethod.Verb.GET;
import static dev.penstock.api.ApiMethod.Verb.PATCH;
import static dev.penstock.api.ApiMethod.Verb.POST;
import static dev.penstock.api.ParamType.NAME;
import static dev.penstock.api.ParamType.STRING;

import dev.penstock.api.dto.ModuleResponse;
import dev.penstock.model.PythonModule;
import java.util.List;

/** createModule and friends: Python source shared by steps (docs/abacus-api.md §3). Thread-safe. */
final class ModuleRoutes {
  private static final String NAME_MEANING = "the module's name, which steps import";

  private final ApiServer.Services services;

  ModuleRoutes(ApiServer.Services services) {
    this.services = services;
  }

  List<ApiMethod> methods() {
    return List.of(
        ApiMethod.write(POST, "createModule", "Stores Python source that steps import by name.")
            .required("name", NAME, NAME_MEANING + ": a Python identifier, unique")
            .optional("sourceCode", STRING, "the module's Python source")
            .returns(ModuleResponse.class)
            .handler(
                params ->
                    response(
                        services
                            .modules()
                            .create(params.string("name"), params.string("sourceCode")))),
        ApiMethod.write(
                PATCH,
                "updateModule",
                "Replaces a module's source; runs already accepted keep theirs.")
            .required("name", NAME, NAME_MEANING)
            .optional("sourceCode", STRING, "the new source")
            .returns(ModuleResponse.class)
            .handler(
                params ->
                    response(
                        services
                            .modules()
                            .update(params.string("name"), params.string("sourceCode")))),
        ApiMethod.read(GET, "describeModule", "A module, with its source.")
            .required("name", NAME, NAME_MEANING)
            .returns(ModuleResponse.class)
            .handler(params -> response(services.modules().find(params.string("name")))),
        ApiMethod.write(DELETE, "deleteModule", "Deletes a module; runs already accepted keep it.")
            .required("name", NAME, NAME_MEANING)
            .handler(
                params -> {
                  services.modules().delete(params.string("name"));
                  return null;
                }),
        ApiMethod.read(GET, "listModules", "Every module.")
            .returnsListOf(ModuleResponse.class)
            .handler(
                params -> {
                  var links = new ModuleLinks(services.moduleStore());
                  return services.moduleStore().listModules().stream()
                      .map(module -> ModuleResponse.of(module, links))
                      .toList();
                }));
  }

  private ModuleResponse response(PythonModule module) {
    return ModuleResponse.of(module, new ModuleLinks(services.moduleStore()));
  }
}
