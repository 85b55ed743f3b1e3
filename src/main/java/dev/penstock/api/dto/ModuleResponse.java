package dev.penstock.api.dto;

import dev.penstock.model.PythonModule;
import java.util.List;

/** The SDK's Module: a named piece of Python source, its text in codeSource.sourceCode. */
public record ModuleResponse(
    String name,
    String createdAt,
    String notebookId,
    boolean hideModuleCode,
    CodeSourceResponse codeSource) {

  public static ModuleResponse of(PythonModule module, ModuleDependencies dependencies) {
    return new ModuleResponse(
        module.name(),
        Times.iso(module.createdAt()),
        null,
        false,
        CodeSourceResponse.text(
            module.sourceCode(), List.of(), dependencies.of(module.sourceCode())));
  }
}
