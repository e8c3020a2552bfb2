package io.logmeter.server;

import io.logmeter.alerts.AlertPublisher;
import io.logmeter.alerts.UsageAlerts;
import io.logmeter.api.ApiKeys;
import io.logmeter.api.ApiServices;
import io.logmeter.api.Readiness;
import io.logmeter.archive.RawRecords;
import io.logmeter.ingestion.CommitListener;
import io.logmeter.ledger.CounterDelta;
import io.logmeter.logs.LogPages;
import io.logmeter.usage.UsageCache;
import io.logmeter.usage.UsageStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running logmeter, and the composition root: {@link #start} builds every part from the
 * configuration and hands them to a {@link MainVerticle}, which deploys the API and the pipeline.
 * {@link #stop} drains in the order a load balancer needs.
 */
public final class Service {

  private static final Logger log = LoggerFactory.getLogger(Service.class);

  private final Vertx vertx;
  private final Config config;
  private final AwsClients aws;
  private final Readiness readiness;
  private final MainVerticle main;

  private Service(Vertx vertx, Config config, AwsClients aws, Readiness readiness, MainVerticle main) {
    this.vertx = vertx;
    this.config = config;
    this.aws = aws;
    this.readiness = readiness;
    this.main = main;
  }

  /** Builds the parts, starts the API and, in the background, the pipeline once its resources answer. */
  public static Future<Service> start(Vertx vertx, Config config, PrometheusMeterRegistry registry) {
    ApiKeys keys;
    try {
      keys = ApiKeys.from(config.http().apiKeys(), config.http().authDisabled());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (keys.disabled()) {
      log.warn("authentication is disabled: every request is served without an API key");
    }
    AwsClients aws = AwsClients.create(config, vertx, new AwsCallMetrics(registry));
    Config.Stack stack = config.stack();
    Readiness readiness = new Readiness();
    UsageStore store = new UsageStore(aws.dynamo(), stack.usageTable());
    UsageCache cache = new UsageCache(account -> store.total(account, false), vertx.getOrCreateContext(),
        Duration.ofMillis(config.cache().cacheRefreshMillis()), config.cache().cacheMaxAccounts());
    ApiServices api = new ApiServices(store, cache, new LogPages(aws.dynamo(), stack.ledgerTable(), stack.usageTable()),
        new RawRecords(aws.s3(), stack.bucket()), Publishers.logs(config, aws), keys, readiness,
        registry);
    MainVerticle main = new MainVerticle(config, aws, api, commitListener(config, aws, store, cache), readiness,
        registry);
    return vertx.deployVerticle(main)
        .map(id -> new Service(vertx, config, aws, readiness, main))
        // Off the event loop: closing the clients waits for their connections.
        .recover(failure -> vertx.executeBlocking(() -> {
          aws.close();
          return null;
        }).transform(closed -> Future.failedFuture(failure)));
  }

  /**
   * What the pipeline tells of its commits, on its own context: this instance's cache adds them, and
   * the usage alerts compare the totals with their thresholds.
   */
  private static Function<Context, CommitListener> commitListener(Config config, AwsClients aws, UsageStore store,
      UsageCache cache) {
    Config.Alerts settings = config.alerts();
    AlertPublisher publisher = Publishers.alerts(config, aws);
    return context -> {
      UsageAlerts alerts = new UsageAlerts(settings.alertThresholdsBytes(), account -> store.total(account, true),
          aws.dynamo(), config.stack().usageTable(), publisher, context, Clock.systemUTC(),
          Duration.ofMillis(settings.alertRefreshMillis()), Duration.ofMinutes(1), UsageAlerts.REMEMBERED_SENT);
      return (counted, commitSentNanos) -> {
        for (CounterDelta delta : counted) {
          if (delta.isTotal()) {
            cache.add(delta.accountId(), delta.bytes(), delta.messages(), commitSentNanos);
          }
        }
        alerts.committed(counted);
      };
    };
  }

  public Readiness readiness() {
    return readiness;
  }

  public AwsClients aws() {
    return aws;
  }

  public Config config() {
    return config;
  }

  /** Completes when the pipeline runs and the instance reports ready. */
  public Future<Void> ready() {
    return main.pipelineStarted();
  }

  /**
   * Not ready first, then drain the pipeline, then close the API, the clients and Vert.x. Call it
   * from outside Vert.x (a shutdown hook, a test): it ends the event loops it would run on.
   */
  public CompletableFuture<Void> stop() {
    Future<Void> drained = main.drain().otherwise(failure -> {
      log.warn("pipeline did not stop cleanly", failure);
      return null;
    });
    return drained.toCompletionStage().toCompletableFuture()
        // Off the event loops: closing the clients waits for their connections.
        .handleAsync((ok, failure) -> {
          log.info("pipeline stopped; closing the AWS clients");
          aws.close();
          return null;
        })
        .thenCompose(v -> vertx.close().toCompletionStage())
        .toCompletableFuture();
  }
}
