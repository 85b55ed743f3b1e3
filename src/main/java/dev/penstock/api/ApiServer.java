package dev.penstock.api;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.penstock.engine.access.ApiKeys;
import dev.penstock.engine.artifact.Artifacts;
import dev.penstock.engine.attempt.AttemptUploads;
import dev.penstock.engine.attempt.RunKeys;
import dev.penstock.engine.attempt.StepLogs;
import dev.penstock.engine.cron.Schedules;
import dev.penstock.engine.definition.Definitions;
import dev.penstock.engine.definition.Functions;
import dev.penstock.engine.definition.Modules;
import dev.penstock.engine.run.RunControl;
import dev.penstock.engine.run.RunWaits;
import dev.penstock.engine.run.Runs;
import dev.penstock.store.ModuleStore;
import dev.penstock.store.PipelineStore;
import dev.penstock.store.RunStore;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.compression.Gzip;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: {@code /api/v0/{method}} for every declared {@link ApiMethod}, the envelope,
 * errors, auth, {@code /api/v0/openapi.json}, and the operators' {@link OpsRoutes}. Thread-safe.
 */
public final class ApiServer {
  private static final String API = "/api/v0/";
  private static final Logger AUDIT = LoggerFactory.getLogger("dev.penstock.audit");

  /** PUT is no SDK verb; it is taken as POST. HEAD is taken as GET, without the body. */
  private static final List<HandlerType> VERBS =
      List.of(
          HandlerType.GET,
          HandlerType.HEAD,
          HandlerType.POST,
          HandlerType.PATCH,
          HandlerType.DELETE,
          HandlerType.PUT);

  /** What the routes read and write through. */
  public record Services(
      PipelineStore pipelines,
      RunStore runs,
      ApiKeys apiKeys,
      Definitions definitions,
      Functions functions,
      Runs runner,
      RunControl control,
      Modules modules,
      ModuleStore moduleStore,
      StepLogs logs,
      RunKeys runKeys,
      Schedules schedules,
      RunWaits waits,
      Artifacts artifacts,
      AttemptUploads attemptUploads) {}

  private final Map<String, ApiMethod> methods;
  private final Auth auth;
  private final Limits limits;
  private final ParamReader reader;
  private final Envelope envelope;
  private final byte[] openApi;
  private final Javalin javalin;
  private volatile String baseUrl;

  /** The API alone, with no pages beside it. */
  public ApiServer(Services services, Limits limits, String version, OpsRoutes operations) {
    this(services, limits, version, operations, config -> {}, null);
  }

  /**
   * The API with {@code pages} (the web UI) registered beside it on the same server; {@code
   * pageNotFound} (null: none) answers a browser's request for a path outside the API that nothing
   * serves.
   */
  public ApiServer(
      Services services,
      Limits limits,
      String version,
      OpsRoutes operations,
      Consumer<JavalinConfig> pages,
      Consumer<Context> pageNotFound) {
    this(services, limits, version, operations, pages, pageNotFound, true);
  }

  /**
   * As above; unless {@code servesUsers}, the API answers only the steps this server runs (their
   * run keys) and the operators' routes: a server with the worker role alone.
   */
  public ApiServer(
      Services services,
      Limits limits,
      String version,
      OpsRoutes operations,
      Consumer<JavalinConfig> pages,
      Consumer<Context> pageNotFound,
      boolean servesUsers) {
    this.auth = new Auth(services.apiKeys(), services.runKeys(), services.runs(), servesUsers);
    this.limits = limits;
    this.reader = new ParamReader(limits);
    this.envelope = new Envelope(limits.maxBodyBytes());
    var views = new Views(services);
    var declared = new ArrayList<ApiMethod>();
    declared.addAll(new MetaRoutes(() -> baseUrl, version).methods());
    declared.addAll(new FunctionRoutes(services).methods());
    declared.addAll(new PipelineRoutes(services, views).methods());
    declared.addAll(new StepRoutes(services, views, reader).methods());
    declared.addAll(new VersionRoutes(services, views).methods());
    declared.addAll(new ArtifactRoutes(services).methods());
    declared.addAll(new ModuleRoutes(services).methods());
    declared.addAll(new KeyRoutes(services).methods());
    this.methods = byName(declared);
    this.openApi = OpenApi.document(methods.values(), version, limits).toString().getBytes(UTF_8);
    this.javalin =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.modifyServer(
                  server -> server.setErrorHandler(new JettyErrors(envelope)));
              config.http.maxRequestSize = limits.maxBodyBytes();
              // The SDK asks for gzip. Pipelines repeat every step in every answer, which the
              // fastest level shrinks 24-fold at 500 MB/s where the default's 30-fold costs twice
              // the CPU; brotli's better ratio matters little on a data centre's network.
              config.http.compressionStrategy = new CompressionStrategy(null, new Gzip(1));
              config.concurrency.useVirtualThreads = true;
              operations.register(config, envelope, auth::checkStoredKey, methods.keySet());
              new AttemptRoutes(services.attemptUploads()).register(config, envelope);
              pages.accept(config);
              // Before {method}, which would take it for a method's name. It describes the API
              // and holds no data, so it needs no key: tools fetch it without one.
              config.routes.get(API + "openapi.json", ctx -> envelope.raw(ctx, openApi));
              for (HandlerType verb : VERBS) {
                config.routes.addHttpHandler(verb, API + "{method}", this::handle);
              }
              for (HandlerType verb : List.of(HandlerType.OPTIONS, HandlerType.TRACE)) {
                config.routes.addHttpHandler(
                    verb,
                    API + "{method}",
                    ctx ->
                        envelope.failure(
                            ctx,
                            new ApiError(
                                405,
                                "MethodNotAllowed",
                                "the API answers GET, HEAD, POST, PATCH, DELETE and PUT, not "
                                    + ctx.method())));
              }
              // Whatever escapes a handler (or Javalin's own code) still answers in the envelope,
              // with a request id the log repeats.
              config.routes.exception(
                  Exception.class, (error, ctx) -> envelope.failure(ctx, error));
              config.router.javaLangErrorHandler(envelope::failure);
              config.routes.error(
                  404,
                  "*",
                  ctx -> {
                    if (pageNotFound != null && wantsPage(ctx)) {
                      pageNotFound.accept(ctx);
                    } else if (!ctx.path().equals("/healthz") && !envelope.answered(ctx)) {
                      envelope.failure(
                          ctx,
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
    ListenException.probe(host, port);
    try {
      javalin.start(host, port);
    } catch (RuntimeException e) {
      throw ListenException.of(host, port, e);
    }
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
    String requestId = envelope.requestId(ctx);
    Auth.Caller caller = null;
    ApiMethod method = null;
    try {
      caller = auth.authenticate(ctx.header("apiKey"));
      String name = ctx.pathParam("method");
      method = methods.get(name);
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
      auth.authorize(caller, method, params);
      envelope.success(ctx, method.handler().handle(params));
      audit(caller, method, 200, requestId);
    } catch (Throwable error) {
      envelope.failure(ctx, error);
      audit(caller, method, ErrorMapper.map(error).status(), requestId);
    }
  }

  /** Every call that may change state, with who made it: the audit trail an operator reads. */
  private static void audit(Auth.Caller caller, ApiMethod method, int status, String requestId) {
    if (caller != null && method != null && method.changesState()) {
      AUDIT.info("{} {} -> {} (request {})", caller.name(), method.name(), status, requestId);
    }
  }

  private ObjectNode body(Context ctx) {
    if (ctx.method() == HandlerType.GET
        || ctx.method() == HandlerType.HEAD
        || ctx.method() == HandlerType.DELETE) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (ctx.contentLength() > limits.maxBodyBytes()) {
      throw envelope.tooLarge();
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

  /** A browser asking for a page (not the API, not a probe): it reads HTML better than JSON. */
  private static boolean wantsPage(Context ctx) {
    String accept = ctx.header("Accept");
    return !ctx.path().startsWith("/api/")
        && !ctx.path().equals("/healthz")
        && accept != null
        && accept.contains("text/html");
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
