package io.logmeter.server;

import io.logmeter.alerts.UsageAlerts;
import io.logmeter.api.ApiKeys;
import io.logmeter.api.ApiServices;
import io.logmeter.api.Readiness;
import io.logmeter.archive.RawRecords;
import io.logmeter.fold.FoldCachedUsage;
import io.logmeter.fold.FoldHead;
import io.logmeter.fold.FoldPeriod;
import io.logmeter.fold.FoldState;
import io.logmeter.fold.FoldUsage;
import io.logmeter.fold.FoldView;
import io.logmeter.fold.PeriodChain;
import io.logmeter.ingestion.CommitListener;
import io.logmeter.ledger.CounterDelta;
import io.logmeter.logs.LogPages;
import io.logmeter.usage.UsageCache;
import io.logmeter.usage.UsageReader;
import io.logmeter.usage.UsageStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
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
  /** The fold's view, when the fold counts; null with the pages ledger. */
  private final FoldView view;

  /** How often every instance reads the fold's head. */
  static final Duration FOLLOW_HEAD_EVERY = Duration.ofMillis(500);
  /** How much longer than two cache refreshes the fold's deltas of a compacted hour are kept. */
  static final Duration FOLD_DELTAS_KEPT_LONGER = Duration.ofSeconds(30);

  private Service(Vertx vertx, Config config, AwsClients aws, Readiness readiness, MainVerticle main, FoldView view) {
    this.view = view;
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
    Context context = vertx.getOrCreateContext();
    Duration refresh = Duration.ofMillis(config.cache().cacheRefreshMillis());
    UsageReader reader = store;
    UsageCache cache;
    FoldView view = null;
    if (config.fold().folding()) {
      UsageCache[] forget = new UsageCache[1];
      view = new FoldView(vertx, new FoldHead(aws.dynamo(), context, stack.usageTable()),
          new PeriodChain(aws.s3(), context, stack.bucket()), FOLLOW_HEAD_EVERY,
          refresh.multipliedBy(2).plus(FOLD_DELTAS_KEPT_LONGER), () -> {
            if (forget[0] != null) {
              forget[0].forgetAll();
            }
          });
      reader = new FoldUsage(store, view);
      cache = FoldCachedUsage.cache(store, view, context, refresh, config.cache().cacheMaxAccounts());
      forget[0] = cache;
      FoldView following = view;
      context.runOnContext(v -> following.start());
      Gauge.builder("logmeter.fold.counted.through.age", following,
              f -> Math.max(0, (System.currentTimeMillis() - f.snapshot().countedThrough().toEpochMilli()) / 1000.0))
          .baseUnit("seconds")
          .description("how long ago the instant is through which this instance counts every acknowledged message")
          .register(registry);
    } else {
      cache = new UsageCache(account -> store.total(account, false), context, refresh,
          config.cache().cacheMaxAccounts());
    }
    LogPages logs = view == null ? new LogPages(aws.dynamo(), stack.ledgerTable(), stack.usageTable())
        : new LogPages(aws.dynamo(), stack.ledgerTable(), stack.usageTable(), view);
    ApiServices api = new ApiServices(reader, cache, logs,
        new RawRecords(aws.s3(), stack.bucket()), Publishers.logs(config, aws), keys, readiness,
        registry);
    MainVerticle main = new MainVerticle(config, aws, api, commitListener(config, aws, store, cache),
        view == null ? null : folded(config, aws, reader, view, context), readiness, registry);
    FoldView following = view;
    return vertx.deployVerticle(main)
        .map(id -> new Service(vertx, config, aws, readiness, main, following))
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
    return context -> {
      UsageAlerts alerts = alerts(config, aws, store, context);
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

  /**
   * What the fold's owner tells of each period it publishes, on its own context: the usage alerts
   * compare the totals with their thresholds, once this instance's view counts the period (the
   * totals they read then include it).
   */
  private static Function<Context, Consumer<FoldPeriod>> folded(Config config, AwsClients aws, UsageReader reader,
      FoldView view, Context viewContext) {
    return context -> {
      UsageAlerts alerts = alerts(config, aws, reader, context);
      return period -> {
        List<CounterDelta> totals = new ArrayList<>();
        Map<String, long[]> byAccount = new HashMap<>();
        for (FoldState.Tally t : period.counted()) {
          long[] sums = byAccount.computeIfAbsent(t.accountId(), a -> new long[2]);
          sums[0] += t.bytes();
          sums[1] += t.messages();
        }
        byAccount.forEach((account, sums) -> totals.add(new CounterDelta(account, null, sums[0], sums[1])));
        viewContext.runOnContext(v -> view.reached(period.period())
            .onComplete(reached -> context.runOnContext(x -> alerts.committed(totals))));
      };
    };
  }

  private static UsageAlerts alerts(Config config, AwsClients aws, UsageReader reader, Context context) {
    Config.Alerts settings = config.alerts();
    return new UsageAlerts(settings.alertThresholdsBytes(), account -> reader.total(account, true), aws.dynamo(),
        config.stack().usageTable(), Publishers.alerts(config, aws), context, Clock.systemUTC(),
        Duration.ofMillis(settings.alertRefreshMillis()), Duration.ofMinutes(1), UsageAlerts.REMEMBERED_SENT);
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
    }).onComplete(done -> {
      if (view != null) {
        view.stop();
      }
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
