package io.logmeter.server;

import io.logmeter.alerts.AlertPublisher;
import io.logmeter.api.ApiKeys;
import io.logmeter.api.ApiServices;
import io.logmeter.api.ApiVerticle;
import io.logmeter.api.Readiness;
import io.logmeter.archive.RawRecords;
import io.logmeter.alerts.UsageAlerts;
import io.logmeter.ingestion.CommitListener;
import io.logmeter.ingestion.IngestVerticle;
import io.logmeter.ledger.CounterDelta;
import io.logmeter.logs.LogPages;
import io.logmeter.publish.LogPublisher;
import io.logmeter.publish.PublishFailedException;
import io.logmeter.publish.QueuePublisher;
import io.logmeter.publish.SnsPublisher;
import io.logmeter.retry.AwsErrors;
import io.logmeter.retry.Backoff;
import io.logmeter.usage.UsageCache;
import io.logmeter.usage.UsageStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running logmeter: the HTTP API from the start (live at once, ready later), then, once the AWS
 * resources answer, the ingest pipeline. {@link #stop} drains in the order a load balancer needs.
 */
public final class Service {

  private static final Logger log = LoggerFactory.getLogger(Service.class);

  private final Vertx vertx;
  private final Config config;
  private final AwsClients aws;
  private final Readiness readiness = new Readiness();
  private final Context home;
  private final CompletableFuture<String> queueUrl = new CompletableFuture<>();
  private UsageCache cache;
  private String ingestDeployment;
  private volatile boolean stopping;

  private Service(Vertx vertx, Config config, AwsClients aws) {
    this.vertx = vertx;
    this.config = config;
    this.aws = aws;
    this.home = vertx.getOrCreateContext();
  }

  /** Starts the API and, in the background, the pipeline once its resources answer. */
  public static Future<Service> start(Vertx vertx, Config config, PrometheusMeterRegistry registry) {
    AwsClients aws = AwsClients.create(config, vertx, new AwsCallMetrics(registry));
    Service service = new Service(vertx, config, aws);
    return service.startApi(registry).map(v -> {
      service.startPipeline(registry, 0);
      return service;
    });
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
    Promise<Void> promise = Promise.promise();
    long timer = vertx.setPeriodic(20, id -> {
      if (readiness.isReady()) {
        vertx.cancelTimer(id);
        promise.tryComplete();
      }
    });
    return promise.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private Future<Void> startApi(PrometheusMeterRegistry registry) {
    if (!config.alertThresholds().isEmpty() && config.alertTopicArn() == null && !config.publishToQueue()) {
      return Future.failedFuture(new IllegalArgumentException(
          "usage alerts need a topic: set LOGMETER_ALERT_TOPIC_ARN, or no LOGMETER_ALERT_THRESHOLDS_BYTES"));
    }
    ApiKeys keys;
    try {
      keys = ApiKeys.from(config.apiKeys(), config.authDisabled());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    if (keys.disabled()) {
      log.warn("authentication is disabled: every request is served without an API key");
    }
    UsageStore store = new UsageStore(aws.dynamo(), config.usageTable());
    cache = new UsageCache(account -> store.total(account, false), home, config.cacheRefresh(),
        config.cacheMaxAccounts());
    ApiServices services = new ApiServices(store, cache,
        new LogPages(aws.dynamo(), config.ledgerTable(), config.usageTable()), new RawRecords(aws.s3(), config.bucket()),
        publisher(), keys, readiness, registry);
    return vertx.deployVerticle(() -> new ApiVerticle(config.httpHost(), config.httpPort(), services),
            new DeploymentOptions().setInstances(config.apiVerticles()))
        .onSuccess(id -> log.info("API listening on http://{}:{}", config.httpHost(), config.httpPort()))
        .mapEmpty();
  }

  /** The ingest topic in production; the queue itself where there is no SNS (local mode). */
  private LogPublisher publisher() {
    if (config.topicArn() != null) {
      return new SnsPublisher(aws.sns(), config.topicArn());
    }
    if (config.publishToQueue()) {
      // Until the queue is known (resources still being created or checked) the request is answered
      // 503 at once, never left waiting.
      return payloads -> queueUrl.isDone()
          ? queueUrl.thenCompose(url -> new QueuePublisher(aws.sqs(), url, Clock.systemUTC()).publish(payloads))
          : CompletableFuture.failedFuture(new PublishFailedException("the ingest queue is not ready yet"));
    }
    return payloads -> CompletableFuture.failedFuture(
        new PublishFailedException("no ingest topic configured (LOGMETER_TOPIC_ARN)"));
  }

  /** Alerts go to their topic in production, to a queue of their own in local mode. */
  private AlertPublisher alertPublisher() {
    if (config.alertTopicArn() != null) {
      return (id, alert) -> aws.sns().publish(p -> p.topicArn(config.alertTopicArn()).message(alert)
          .subject("logmeter usage alert")).thenApply(r -> null);
    }
    if (config.publishToQueue()) {
      return (id, alert) -> aws.sqs().getQueueUrl(q -> q.queueName(config.alertQueueName()))
          .thenCompose(queue -> aws.sqs().sendMessage(s -> s.queueUrl(queue.queueUrl()).messageBody(alert)))
          .thenApply(r -> null);
    }
    return (id, alert) -> CompletableFuture.failedFuture(new IllegalStateException("no alert topic configured"));
  }

  /**
   * What the pipeline tells of its commits, on its own context: this instance's cache adds them, and
   * the usage alerts compare the totals with their thresholds.
   */
  private CommitListener commitListener(Context context) {
    UsageStore usage = new UsageStore(aws.dynamo(), config.usageTable());
    UsageAlerts alerts = new UsageAlerts(config.alertThresholds(), account -> usage.total(account, true), aws.dynamo(),
        config.usageTable(), alertPublisher(), context, Clock.systemUTC(), config.alertRefresh(), Duration.ofMinutes(1),
        UsageAlerts.REMEMBERED_SENT);
    return (counted, commitSentNanos) -> {
      for (CounterDelta delta : counted) {
        if (delta.isTotal()) {
          cache.add(delta.accountId(), delta.bytes(), delta.messages(), commitSentNanos);
        }
      }
      alerts.committed(counted);
    };
  }

  private void startPipeline(PrometheusMeterRegistry registry, int attempt) {
    if (stopping) {
      return;
    }
    CompletableFuture<String> resources = config.createResources()
        ? Resources.create(aws, config).thenCompose(url -> Resources.verify(aws, config))
        : Resources.verify(aws, config);
    Future.fromCompletionStage(resources, home)
        .onSuccess(queueUrl::complete)
        .onSuccess(url -> QueueGauges.start(vertx, aws.sqs(), url, config.dlqName(), registry))
        .compose(url -> vertx.deployVerticle(new IngestVerticle(config.ingest(), aws.sqs(), aws.s3(), aws.dynamo(), url,
            this::commitListener, registry, Clock.systemUTC())))
        .onSuccess(id -> {
          ingestDeployment = id;
          readiness.started();
          log.info("ready");
        })
        .onFailure(failure -> {
          String why = "AWS resources do not answer: " + AwsErrors.code(failure);
          readiness.waiting(why);
          log.warn("{}; retrying", why, AwsErrors.unwrap(failure));
          vertx.setTimer(Backoff.DEFAULT.delayMillis(attempt + 4), id -> startPipeline(registry, attempt + 1));
        });
  }

  /**
   * Not ready first, then drain the pipeline, then close the API, the clients and Vert.x. Call it
   * from outside Vert.x (a shutdown hook, a test): it ends the event loops it would run on.
   */
  public CompletableFuture<Void> stop() {
    stopping = true;
    readiness.draining();
    Future<Void> drained = ingestDeployment == null ? Future.succeededFuture()
        : vertx.undeploy(ingestDeployment).otherwise(failure -> {
          log.warn("pipeline did not stop cleanly", failure);
          return null;
        });
    return drained.toCompletionStage().toCompletableFuture()
        // Off the event loops: closing the clients waits for their connections.
        .handleAsync((ok, failure) -> {
          aws.close();
          return null;
        })
        .thenCompose(v -> vertx.close().toCompletionStage())
        .toCompletableFuture();
  }
}
