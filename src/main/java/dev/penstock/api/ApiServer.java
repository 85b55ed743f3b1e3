package dev.penstock.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.penstock.engine.attempt.RunKeys;
import dev.penstock.engine.attempt.StepLogs;
import dev.penstock.engine.cron.Schedules;
import dev.penstock.engine.definition.Definitions;
import dev.penstock.engine.definition.Functions;
import dev.penstock.engine.definition.Ids;
import dev.penstock.engine.definition.Modules;
import dev.penstock.engine.run.RunControl;
import dev.penstock.engine.run.RunWaits;
import dev.penstock.engine.run.Runs;
import dev.penstock.store.ApiKeyStore;
import dev.penstock.store.ModuleStore;
import dev.penstock.store.PipelineStore;
import dev.penstock.store.RunStore;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: {@code /api/v0/{method}} for every verb, the envelope, errors, auth, and {@code
 * /healthz}. Thread-safe.
 */
public final class ApiServer {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  private static final String API = "/api/v0/";

  /** What the routes read and write through. */
  public record Services(
      PipelineStore pipelines,
      RunStore runs,
      ApiKeyStore apiKeys,
      Definitions definitions,
      Functions functions,
      Runs runner,
      RunControl control,
      Modules modules,
      ModuleStore moduleStore,
      StepLogs logs,
      RunKeys runKeys,
      Schedules schedules,
      RunWaits waits) {}

  private record Success(boolean success, Object result) {}

  private record Failure(boolean success, String error, String errorType, String requestId) {}

  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, ApiMethod> methods = new HashMap<>();
  private final Auth auth;
  private final long maxBodyBytes;
  private final Javalin javalin;
  private volatile String baseUrl;

  public ApiServer(Services services, long maxBodyBytes, String version) {
    this.auth = new Auth(services.apiKeys(), services.runKeys(), services.runs());
    this.maxBodyBytes = maxBodyBytes;
    var views = new Views(services);
    new MetaRoutes(() -> baseUrl, version).register(methods);
    new FunctionRoutes(services).register(methods);
    new PipelineRoutes(services, views).register(methods);
    new StepRoutes(services, views).register(methods);
    new VersionRoutes(services, views).register(methods);
    new ModuleRoutes(services).register(methods);
    this.javalin =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.http.maxRequestSize = maxBodyBytes;
              config.concurrency.useVirtualThreads = true;
              config.routes.get("/healthz", ctx -> ctx.result("ok"));
              for (HandlerType verb :
                  new HandlerType[] {
                    HandlerType.GET,
                    HandlerType.POST,
                    HandlerType.PATCH,
                    HandlerType.DELETE,
                    HandlerType.PUT
                  }) {
                config.routes.addHttpHandler(verb, API + "{method}", this::handle);
              }
              config.routes.error(
                  404,
                  "*",
                  ctx -> {
                    if (!ctx.path().equals("/healthz") && ctx.result() == null) {
                      fail(
                          ctx,
                          newRequestId(ctx),
                          new ApiError(404, "Generic404Error", "No such path: " + ctx.path()));
                    }
                  });
            });
  }

  /** Starts listening; {@code port} 0 takes a free port. */
  public void start(String host, int port) {
    javalin.start(host, port);
    String urlHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    baseUrl =
        "http://" + (urlHost.contains(":") ? "[" + urlHost + "]" : urlHost) + ":" + javalin.port();
  }

  public int port() {
    return javalin.port();
  }

  public String baseUrl() {
    return baseUrl;
  }

  public void stop() {
    javalin.stop();
  }

  private void handle(Context ctx) {
    String requestId = newRequestId(ctx);
    try {
      auth.check(ctx.header("apiKey"));
      String name = ctx.pathParam("method");
      ApiMethod method = methods.get(name);
      if (method == null) {
        throw new ApiError(404, "Generic404Error", "Unknown API method: " + name);
      }
      Object result = method.call(params(ctx));
      write(ctx, 200, new Success(true, result));
    } catch (Throwable error) {
      fail(ctx, requestId, error);
    }
  }

  private Params params(Context ctx) {
    var query = ctx.queryParamMap();
    if (ctx.method() == HandlerType.GET || ctx.method() == HandlerType.DELETE) {
      return Params.ofQuery(query);
    }
    long length = ctx.contentLength();
    if (length > maxBodyBytes) {
      throw tooLarge();
    }
    byte[] body = ctx.bodyAsBytes();
    if (body.length == 0) {
      return Params.of(json.createObjectNode(), query);
    }
    JsonNode parsed;
    try {
      parsed = json.readTree(body);
    } catch (JsonProcessingException malformed) {
      throw new ApiError(
          400, "InvalidRequest", "Malformed JSON body: " + malformed.getOriginalMessage());
    } catch (java.io.IOException unreadable) {
      throw new ApiError(400, "InvalidRequest", "Unreadable request body");
    }
    if (parsed == null || parsed.isNull()) {
      return Params.of(json.createObjectNode(), query);
    }
    if (!(parsed instanceof ObjectNode object)) {
      throw new ApiError(400, "InvalidRequest", "The JSON body must be an object of parameters");
    }
    return Params.of(object, query);
  }

  private ApiError tooLarge() {
    return new ApiError(
        413,
        "InvalidRequest",
        "Request body is larger than the limit of " + maxBodyBytes + " bytes");
  }

  private void fail(Context ctx, String requestId, Throwable error) {
    if (error instanceof HttpResponseException http && http.getStatus() == 413) {
      error = tooLarge();
    }
    var mapped = ErrorMapper.map(error);
    if (mapped.unexpected()) {
      log.error("Request {} {} failed", requestId, ctx.path(), error);
    }
    write(
        ctx, mapped.status(), new Failure(false, mapped.message(), mapped.errorType(), requestId));
  }

  private String newRequestId(Context ctx) {
    String existing = ctx.res().getHeader("x-request-id");
    if (existing != null) {
      return existing;
    }
    String requestId = Ids.newId();
    ctx.header("x-request-id", requestId);
    return requestId;
  }

  private void write(Context ctx, int status, Object body) {
    try {
      ctx.status(status).contentType("application/json").result(json.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a response could not be written as JSON", e);
    }
  }
}
