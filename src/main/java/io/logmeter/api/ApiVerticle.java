package io.logmeter.api;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP API. Several instances share the port, one per event loop. */
public final class ApiVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);

  private final String host;
  private final int port;
  private final ApiServices services;

  public ApiVerticle(String host, int port, ApiServices services) {
    this.host = host;
    this.port = port;
    this.services = services;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(ApiVerticle::requireDecodableUri);
    Readiness readiness = services.readiness();
    new UsageRoutes(services.usage(), services.cache(), context).mount(router, services.keys());
    new ExportRoutes(services.usage(), context).mount(router, services.keys());
    new LogRoutes(services.logIndex(), services.records(), context).mount(router, services.keys());
    new IngestRoutes(services.publisher(), context).mount(router, services.keys());
    HealthChecks live = HealthChecks.create(vertx)
        .register("event-loop", promise -> promise.complete(Status.OK()));
    HealthChecks ready = HealthChecks.create(vertx)
        .register("pipeline", promise -> promise.complete(readiness.isReady()
            ? Status.OK(new JsonObject().put("state", readiness.reason()))
            : Status.KO(new JsonObject().put("state", readiness.reason()))));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(services.registry()));
    // The console: static files; what they show comes from the API, with the tab's key.
    // (a route of "/console" would match "/console/" too, and redirect it for ever)
    router.getWithRegex("/console").handler(ctx -> ctx.redirect("/console/"));
    router.route("/console/*").handler(ctx -> {
      ctx.response().putHeader("content-security-policy",
          "default-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'");
      ctx.next();
    }).handler(StaticHandler.create(CONSOLE).setIndexPage("index.html").setCachingEnabled(false));
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("content-type", "application/yaml")
        .sendFile("openapi.yaml"));
    router.errorHandler(404, ctx -> ApiError.send(ctx, 404, "not_found", "no such resource"));
    router.errorHandler(405, ctx -> ApiError.send(ctx, 405, "method_not_allowed", "method not allowed here"));
    router.errorHandler(413, ctx -> ApiError.send(ctx, 413, "payload_too_large", "the body is larger than "
        + IngestRoutes.MAX_BODY_BYTES + " bytes"));
    router.errorHandler(400, this::failure);
    router.errorHandler(500, this::failure);
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
            .setMaxInitialLineLength(MAX_REQUEST_LINE).setMaxHeaderSize(MAX_HEADERS).setCompressionSupported(false)
            // Connections that stay silent are closed; above the load balancer's 60 s, so that it
            // never sends a request on a connection this side is closing.
            .setIdleTimeout(IDLE_TIMEOUT_SECONDS))
        .invalidRequestHandler(ApiVerticle::invalidRequest)
        .requestHandler(router)
        .listen();
  }

  /** Where the console's files are, on the classpath. */
  static final String CONSOLE = "console";
  static final int MAX_REQUEST_LINE = 8192;
  static final int MAX_HEADERS = 16384;
  static final int IDLE_TIMEOUT_SECONDS = 75;

  /** A request HTTP decoding refused (too long a line or headers, bad syntax): answered in JSON too. */
  private static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414
        : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    String code = status == 414 ? "uri_too_long" : status == 431 ? "headers_too_large" : "bad_request";
    request.response().setStatusCode(status).putHeader("content-type", "application/json")
        .putHeader("connection", "close")
        .end(new JsonObject().put("error", code).put("message", "the request could not be read as HTTP")
            .encode());
  }

  /**
   * A path or query whose percent-escapes do not decode is the client's error: say so before
   * routing and parameter parsing trip on it (they would fail without a cause, as a 500).
   */
  private static void requireDecodableUri(RoutingContext ctx) {
    try {
      QueryStringDecoder.decodeComponent(ctx.request().path());
      new QueryStringDecoder(ctx.request().uri()).parameters();
    } catch (IllegalArgumentException e) {
      ApiError.send(ctx, 400, "bad_request", "the path or query has a malformed percent-escape");
      return;
    }
    ctx.next();
  }

  /** A handler threw or failed: an {@link ApiError} is the client's mistake, anything else is ours. */
  private void failure(RoutingContext ctx) {
    if (ctx.failure() instanceof ApiError error) {
      ApiError.send(ctx, error);
      return;
    }
    if (ctx.statusCode() == 400) {
      ApiError.send(ctx, 400, "bad_request", "the request is malformed");
      return;
    }
    log.error("unexpected failure on {} {} (status {})", ctx.request().method(), ctx.request().path(), ctx.statusCode(), ctx.failure());
    ApiError.send(ctx, 500, "internal", "internal error");
  }
}
