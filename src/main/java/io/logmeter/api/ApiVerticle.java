package io.logmeter.api;

import io.logmeter.server.Readiness;
import io.logmeter.usage.UsageCache;
import io.logmeter.usage.UsageStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP API. Several instances share the port, one per event loop. */
public final class ApiVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);

  private final String host;
  private final int port;
  private final UsageStore store;
  private final UsageCache cache;
  private final Readiness readiness;
  private final PrometheusMeterRegistry registry;

  public ApiVerticle(String host, int port, UsageStore store, UsageCache cache, Readiness readiness,
      PrometheusMeterRegistry registry) {
    this.host = host;
    this.port = port;
    this.store = store;
    this.cache = cache;
    this.readiness = readiness;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    new UsageRoutes(store, cache, context).mount(router);
    HealthChecks live = HealthChecks.create(vertx)
        .register("event-loop", promise -> promise.complete(Status.OK()));
    HealthChecks ready = HealthChecks.create(vertx)
        .register("pipeline", promise -> promise.complete(readiness.isReady()
            ? Status.OK(new JsonObject().put("state", readiness.reason()))
            : Status.KO(new JsonObject().put("state", readiness.reason()))));
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    router.errorHandler(404, ctx -> ApiError.send(ctx, 404, "not_found", "no such resource"));
    router.errorHandler(405, ctx -> ApiError.send(ctx, 405, "method_not_allowed", "method not allowed here"));
    router.errorHandler(500, this::failure);
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
            .setMaxInitialLineLength(8192).setMaxHeaderSize(16384).setCompressionSupported(false))
        .requestHandler(router)
        .listen();
  }

  /** A handler threw: an {@link ApiError} is the client's mistake, anything else is ours. */
  private void failure(RoutingContext ctx) {
    if (ctx.failure() instanceof ApiError error) {
      ApiError.send(ctx, error);
      return;
    }
    log.error("unexpected failure on {} {}", ctx.request().method(), ctx.request().path(), ctx.failure());
    ApiError.send(ctx, 500, "internal", "internal error");
  }
}
