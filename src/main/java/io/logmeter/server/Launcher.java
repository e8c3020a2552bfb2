package io.logmeter.server;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds Vert.x with metrics, reads the configuration once, starts a {@link Service}. */
public final class Launcher {

  private static final Logger log = LoggerFactory.getLogger(Launcher.class);

  private Launcher() {
  }

  public static Service launch(JsonObject overrides, Map<String, String> environment) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions()
            .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true))
            // A blocked event loop is a bug: log where it is stuck the first time it is reported.
            .setWarningExceptionTime(2).setWarningExceptionTimeUnit(TimeUnit.SECONDS))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .withTransport(SharedEventLoops.transport())
        .build();
    try {
      Config config = ConfigLoader.load(vertx, overrides, environment).toCompletionStage().toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      return Service.start(vertx, config, registry).toCompletionStage().toCompletableFuture()
          .get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      vertx.close();
      throw e;
    }
  }

  /**
   * After the grace period: time to give unfinished messages back and close the clients. With the
   * default grace (20 s) the process exits within 28 s of SIGTERM, inside a 30 s stop budget.
   */
  public static final long AFTER_GRACE_SECONDS = 8;

  /** On SIGTERM (or Ctrl-C): not ready, drain, exit. */
  public static void stopOnShutdown(Service service, Runnable afterStop) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("stopping: draining in-flight work");
      try {
        service.stop().get(service.config().ingest().shutdownGraceSeconds() + AFTER_GRACE_SECONDS, TimeUnit.SECONDS);
        log.info("stopped");
      } catch (Exception e) {
        log.warn("did not stop cleanly: {}", e.toString());
      }
      afterStop.run();
    }, "logmeter-shutdown"));
  }
}
