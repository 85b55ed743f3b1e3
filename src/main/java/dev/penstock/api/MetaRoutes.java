package dev.penstock.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** The handshake the SDK's constructor makes (docs/abacus-api.md §1.2). Thread-safe. */
final class MetaRoutes {
  private final Supplier<String> baseUrl;
  private final String version;

  MetaRoutes(Supplier<String> baseUrl, String version) {
    this.baseUrl = baseUrl;
    this.version = version;
  }

  void register(Map<String, ApiMethod> methods) {
    methods.put(
        "getApiEndpoint",
        params -> {
          var endpoints = new LinkedHashMap<String, String>();
          endpoints.put("apiEndpoint", baseUrl.get());
          endpoints.put("predictEndpoint", baseUrl.get());
          endpoints.put("proxyEndpoint", baseUrl.get());
          return endpoints;
        });
    methods.put("version", params -> version);
  }
}
