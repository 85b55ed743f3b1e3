package dev.penstock.api;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: {@code /api/v0/{method}} for every declared {@link ApiMethod}, the envelope,
 * errors, auth, {@code /api/v0/openapi.json} and {@code /healthz}. Thread-safe.
 */
public final class ApiServer {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
  private static final String API = "/api/v0/";

  /** PUT is no SDK verb; it is taken as POST. HEAD is taken as GET, without the body. */
  private static final List<HandlerType> VERBS =
      List.of(
          HandlerType.GET,
          HandlerType.HEAD,
          HandlerType.POST,
          HandlerType.PATCH,
          HandlerType.DELETE,
          HandlerType.PUT);

  /** Set on a response this class wrote, so the 404 handler leaves it alone. */
  private static final String ANSWERED = "penstock.answered";

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
  private final Map<String, ApiMethod> methods;
  private final Auth auth;
  private final Limits limits;
  private final ParamReader reader;
  private final byte[] openApi;
  private final Javalin javalin;
  private volatile String baseUrl;

  public ApiServer(Services services, Limits limits, String version) {
    this.auth = new Auth(services.apiKeys(), services.runKeys(), services.runs());
    this.limits = limits;
    this.reader = new ParamReader(limits);
    var views = new Views(services);
    var declared = new ArrayList<ApiMethod>();
    declared.addAll(new MetaRoutes(() -> baseUrl, version).methods());
    declared.addAll(new FunctionRoutes(services).methods());
    declared.addAll(new PipelineRoutes(services, views).methods());
    declared.addAll(new StepRoutes(services, views).methods());
    declared.addAll(new VersionRoutes(services, views).methods());
    declared.addAll(new ModuleRoutes(services).methods());
    this.methods = byName(declared);
    this.openApi = bytes(OpenApi.document(methods.values(), version, limits));
    this.javalin =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.http.maxRequestSize = limits.maxBodyBytes();
              config.concurrency.useVirtualThreads = true;
              config.routes.get("/healthz", ctx -> ctx.result("ok"));
              // Before {method}, which would take it for a method's name. It describes the API
              // and holds no data, so it needs no key: tools fetch it without one.
              config.routes.get(
                  API + "openapi.json",
                  ctx -> {
                    newRequestId(ctx);
                    ctx.attribute(ANSWERED, true);
                    ctx.contentType("application/json").result(openApi);
                  });
              for (HandlerType verb : VERBS) {
                config.routes.addHttpHandler(verb, API + "{method}", this::handle);
              }
              for (HandlerType verb : List.of(HandlerType.OPTIONS, HandlerType.TRACE)) {
                config.routes.addHttpHandler(
                    verb,
                    API + "{method}",
                    ctx ->
                        fail(
                            ctx,
                            newRequestId(ctx),
                            new ApiError(
                                405,
                                "MethodNotAllowed",
                                "the API answers GET, HEAD, POST, PATCH, DELETE and PUT, not "
                                    + ctx.method())));
              }
              // Whatever escapes a handler (or Javalin's own code) still answers in the envelope,
              // with a request id the log repeats.
              config.routes.exception(
                  Exception.class, (error, ctx) -> fail(ctx, newRequestId(ctx), error));
              config.router.javaLangErrorHandler(this::failOnError);
              config.routes.error(
                  404,
                  "*",
                  ctx -> {
                    if (!ctx.path().equals("/healthz") && ctx.attribute(ANSWERED) == null) {
                      fail(
                          ctx,
                          newRequestId(ctx),
                          new ApiError(
                              404,
                              "Generic404Error",
                              "No such path: " + ctx.method() + " " + ctx.path()));
                    }
                  });
            });
  }

  /**
   * Starts listening; {@code port} 0 takes a free port. Throws {@link ListenException} with one
   * line of reason when the address cannot be had.
   */
  public void start(String host, int port) {
    // Tried first with a socket of our own: Javalin logs a failed bind with a long stack trace.
    try (var probe = new ServerSocket()) {
      probe.setReuseAddress(true); // as Jetty binds, so a port in TIME_WAIT is not refused
      probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw cannotListen(host, port, e);
    }
    try {
      javalin.start(host, port);
    } catch (RuntimeException e) {
      throw cannotListen(host, port, e);
    }
    String urlHost = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    baseUrl =
        "http://" + (urlHost.contains(":") ? "[" + urlHost + "]" : urlHost) + ":" + javalin.port();
  }

  private static ListenException cannotListen(String host, int port, Exception error) {
    Throwable root = error;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String reason =
        root instanceof UnknownHostException
            ? "no such host"
            : root instanceof BindException && port != 0
                ? root.getMessage() + " (is another server using port " + port + "?)"
                : String.valueOf(root.getMessage());
    return new ListenException("cannot listen on " + host + ":" + port + ": " + reason, error);
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
      boolean safeVerb = ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD;
      if (method.changesState() && safeVerb) {
        // A GET must not change anything: a link or an image tag can send one.
        ctx.header("Allow", method.verb().name());
        throw new ApiError(
            405,
            "MethodNotAllowed",
            "%s changes state, so it does not answer GET; send it with %s"
                .formatted(name, method.verb()));
      }
      Params params = reader.read(method, body(ctx), query(ctx));
      write(ctx, 200, new Success(true, method.handler().handle(params)));
    } catch (Throwable error) {
      fail(ctx, requestId, error);
    }
  }

  private ObjectNode body(Context ctx) {
    if (ctx.method() == HandlerType.GET
        || ctx.method() == HandlerType.HEAD
        || ctx.method() == HandlerType.DELETE) {
      return json.createObjectNode();
    }
    if (ctx.contentLength() > limits.maxBodyBytes()) {
      throw tooLarge();
    }
    return reader.body(ctx.bodyAsBytes());
  }

  private static Map<String, List<String>> query(Context ctx) {
    try {
      return ctx.queryParamMap();
    } catch (IllegalArgumentException malformed) {
      throw new ApiError(
          400, "InvalidRequest", "Malformed query string: " + malformed.getMessage());
    }
  }

  private ApiError tooLarge() {
    return new ApiError(
        413,
        "InvalidRequest",
        "Request body is larger than the limit of "
            + limits.maxBodyBytes()
            + " bytes (max-body-size)");
  }

  private void fail(Context ctx, String requestId, Throwable error) {
    if (error instanceof HttpResponseException http && http.getStatus() == 413) {
      error = tooLarge();
    }
    var mapped = ErrorMapper.map(error);
    if (mapped.logged()) {
      log.error("Request {} {} {} failed", requestId, ctx.method(), ctx.path(), error);
    }
    write(
        ctx, mapped.status(), new Failure(false, mapped.message(), mapped.errorType(), requestId));
  }

  /**
   * An Error (out of memory, a stack overflow) that Javalin caught outside any handler of ours: the
   * same envelope and log line, written on the raw response.
   */
  private void failOnError(HttpServletResponse response, Error error) {
    String requestId = response.getHeader("x-request-id");
    if (requestId == null) {
      requestId = Ids.newId();
      response.setHeader("x-request-id", requestId);
    }
    log.error("Request {} failed", requestId, error);
    response.setStatus(500);
    response.setContentType("application/json");
    try {
      response
          .getOutputStream()
          .write(
              bytes(new Failure(false, "Internal server error", "InternalServerError", requestId)));
    } catch (java.io.IOException | RuntimeException unwritable) {
      log.warn("Request {}: the error response could not be written either", requestId);
    }
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
    ctx.attribute(ANSWERED, true);
    ctx.status(status).contentType("application/json").result(bytes(body));
  }

  private byte[] bytes(Object body) {
    try {
      return json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a response could not be written as JSON", e);
    }
  }

  private static Map<String, ApiMethod> byName(Collection<ApiMethod> declared) {
    var byName = new LinkedHashMap<String, ApiMethod>();
    for (ApiMethod method : declared) {
      if (byName.put(method.name(), method) != null) {
        throw new IllegalStateException(method.name() + " is declared twice");
      }
    }
    return Map.copyOf(byName);
  }
}
