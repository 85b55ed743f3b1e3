package dev.penstock.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What operators and their tools ask of a server beside the API: {@code /healthz} (liveness),
 * {@code /readyz} (readiness), {@code /metrics} (the Prometheus text format), and the timing of
 * every API request by method and status. Probes and scrapers send no custom header, so only {@code
 * /metrics} may ask for a key, when configured to. Thread-safe.
 */
public final class OpsRoutes {
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String API = "/api/v0/";
  private static final String UNKNOWN = "unknown";

  private final MeterRegistry registry;
  private final Supplier<String> scrape;
  private final Readiness readiness;
  private final boolean metricsNeedKey;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();

  /**
   * @param registry where API requests are timed
   * @param scrape the metrics in the Prometheus text format
   * @param metricsNeedKey whether {@code /metrics} asks for an API key like the API does
   */
  public OpsRoutes(
      MeterRegistry registry,
      Supplier<String> scrape,
      Readiness readiness,
      boolean metricsNeedKey) {
    this.registry = registry;
    this.scrape = scrape;
    this.readiness = readiness;
    this.metricsNeedKey = metricsNeedKey;
  }

  /**
   * Adds the routes and the request timing to the server being configured; {@code keyCheck} throws
   * for a key the API would refuse, {@code methods} are the declared method names (any other name
   * is timed as {@code unknown}, so made-up names cannot multiply the series).
   */
  void register(
      JavalinConfig config, Envelope envelope, Consumer<String> keyCheck, Set<String> methods) {
    config.routes.get(
        "/healthz",
        ctx -> {
          envelope.requestId(ctx);
          ctx.contentType("text/plain").result("ok");
        });
    config.routes.get(
        "/readyz",
        ctx -> {
          envelope.requestId(ctx);
          ready(ctx);
        });
    config.routes.get(
        "/metrics",
        ctx -> {
          envelope.requestId(ctx);
          try {
            if (metricsNeedKey) {
              keyCheck.accept(key(ctx));
            }
            ctx.contentType(PROMETHEUS_TEXT).result(scrape.get());
          } catch (RuntimeException | Error e) {
            envelope.failure(ctx, e);
          }
        });
    config.requestLogger.http(
        (ctx, millis) -> {
          String path = ctx.path();
          if (path.startsWith(API)) {
            String method = path.substring(API.length());
            timer(
                    methods.contains(method) || method.equals("openapi.json") ? method : UNKNOWN,
                    ctx.statusCode())
                .record((long) (millis * 1e6), TimeUnit.NANOSECONDS);
          }
        });
  }

  private void ready(Context ctx) {
    ObjectNode body = json.createObjectNode();
    ObjectNode checks = json.createObjectNode();
    boolean ready = true;
    for (Readiness.Check check : readiness.checks()) {
      checks.put(check.name(), check.ready() ? "ok" : check.problem());
      ready &= check.ready();
    }
    body.put("ready", ready);
    body.set("checks", checks);
    // Not an SDK method: a 503 here is for load balancers and Kubernetes, which expect it.
    ctx.status(ready ? 200 : 503).contentType("application/json").result(body.toString());
  }

  /** The key in {@code apiKey}, as the API takes it, or as a bearer token, as Prometheus sends. */
  private static String key(Context ctx) {
    String apiKey = ctx.header("apiKey");
    if (apiKey != null) {
      return apiKey;
    }
    String authorization = ctx.header("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).trim();
    }
    return null;
  }

  private Timer timer(String method, int status) {
    return requestTimers.computeIfAbsent(
        method + " " + status,
        key ->
            Timer.builder("penstock.api.requests")
                .description("API requests by method and HTTP status, and how long they took")
                .tags("method", method, "status", Integer.toString(status))
                .register(registry));
  }
}
