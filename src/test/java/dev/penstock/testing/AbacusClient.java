package dev.penstock.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Speaks to the server exactly as the official abacusai SDK 1.4.105 does (docs/abacus-api.md §1,
 * §9): the method's own verb; GET and DELETE parameters in the query string with None left out,
 * lists and dicts as JSON text and booleans as True/False; POST and PATCH bodies carrying every
 * parameter, null when not given; the apiKey, clientVersion and User-Agent headers; and the
 * envelope checked the way the SDK checks it. Thread-safe.
 */
public final class AbacusClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String server;
  private final String apiKey;

  public AbacusClient(String server, String apiKey) {
    this.server = server;
    this.apiKey = apiKey;
  }

  public AbacusClient withKey(String otherKey) {
    return new AbacusClient(server, otherKey);
  }

  /** Calls {@code method} with the given parameters (others are sent as the SDK sends them). */
  public JsonNode call(String method, Map<String, ?> params) {
    var spec = SdkMethods.of(method);
    for (String name : params.keySet()) {
      if (!spec.parameters().contains(name) && !spec.extensions().contains(name)) {
        throw new IllegalArgumentException(method + " has no parameter " + name + " in the SDK");
      }
    }
    HttpRequest.Builder request;
    if (spec.verb().equals("GET") || spec.verb().equals("DELETE")) {
      request =
          HttpRequest.newBuilder(URI.create(url(method) + query(params)))
              .method(spec.verb(), HttpRequest.BodyPublishers.noBody());
    } else {
      ObjectNode body = JSON.createObjectNode();
      for (String name : spec.parameters()) {
        body.set(name, JSON.valueToTree(params.get(name)));
      }
      for (String name : spec.extensions()) {
        if (params.containsKey(name)) {
          body.set(name, JSON.valueToTree(params.get(name)));
        }
      }
      request =
          HttpRequest.newBuilder(URI.create(url(method)))
              .header("Content-Type", "application/json")
              .method(spec.verb(), HttpRequest.BodyPublishers.ofString(body.toString()));
    }
    return send(request);
  }

  public JsonNode call(String method) {
    return call(method, Map.of());
  }

  /** A call with a hand-made request, for malformed input the SDK would never send. */
  public HttpResponse<String> raw(String verb, String method, String contentType, String body) {
    return raw(verb, method, contentType, body, false);
  }

  /**
   * As {@link #raw}, sending the body only once the server asks for it ({@code Expect:
   * 100-continue}): a server that refuses the request from its headers alone answers before the
   * body is sent, so the answer cannot be lost to a connection closed under the body.
   */
  public HttpResponse<String> rawWithContinue(
      String verb, String method, String contentType, String body) {
    return raw(verb, method, contentType, body, true);
  }

  private HttpResponse<String> raw(
      String verb, String method, String contentType, String body, boolean expectContinue) {
    var request =
        headers(HttpRequest.newBuilder(URI.create(url(method))))
            .header("Content-Type", contentType)
            .expectContinue(expectContinue)
            .method(verb, HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A GET of a method that answers with a file, not JSON: the bytes land in {@code target}. */
  public HttpResponse<Path> download(String method, Map<String, ?> params, Path target) {
    var request =
        headers(HttpRequest.newBuilder(URI.create(url(method) + query(params)))).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofFile(target));
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Map<String, Object> params(Object... keysAndValues) {
    var map = new LinkedHashMap<String, Object>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private String url(String method) {
    return server + "/api/v0/" + method;
  }

  private HttpRequest.Builder headers(HttpRequest.Builder request) {
    if (apiKey != null) {
      request.header("apiKey", apiKey);
    }
    return request
        .header("clientVersion", "1.4.105")
        .header("User-Agent", "python-abacusai-1.4.105");
  }

  private JsonNode send(HttpRequest.Builder request) {
    HttpResponse<String> response;
    try {
      response = http.send(headers(request).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException("request failed: " + e, e);
    }
    JsonNode body;
    try {
      body = JSON.readTree(response.body());
    } catch (IOException notJson) {
      throw new ApiException(response.statusCode(), "ApiException", response.body(), null);
    }
    if (body == null || !body.path("success").asBoolean(false)) {
      String requestId =
          body != null && body.hasNonNull("requestId")
              ? body.get("requestId").asText()
              : response.headers().firstValue("x-request-id").orElse(null);
      throw new ApiException(
          response.statusCode(),
          body == null ? "ApiException" : body.path("errorType").asText("ApiException"),
          body == null ? response.body() : body.path("error").asText(response.body()),
          requestId);
    }
    return body.get("result");
  }

  private static String query(Map<String, ?> params) {
    var parts = new ArrayList<String>();
    params.forEach(
        (name, value) -> {
          if (value == null) {
            return;
          }
          String text;
          if (value instanceof Boolean bool) {
            text = bool ? "True" : "False";
          } else if (value instanceof Map<?, ?>
              || value instanceof List<?>
              || value instanceof JsonNode) {
            text = JSON.valueToTree(value).toString();
          } else {
            text = value.toString();
          }
          parts.add(encode(name) + "=" + encode(text));
        });
    return parts.isEmpty() ? "" : "?" + String.join("&", parts);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }
}
