package dev.penstock.api.dto;

import java.util.List;

/**
 * The modules (createModule) a piece of source imports, directly or through other modules, by name:
 * a CodeSource's {@code moduleDependencies}, which the SDK's {@code validate_locally} fetches
 * before it runs a function. The API supplies it; the wire records only write it down.
 */
@FunctionalInterface
public interface ModuleDependencies {
  List<String> of(String sourceCode);
}
