package io.logmeter.server;

import io.logmeter.api.ApiServices;
import io.logmeter.api.ApiVerticle;
import io.logmeter.fold.FoldPeriod;
import io.logmeter.fold.FoldVerticle;
import io.logmeter.api.Readiness;
import io.logmeter.ingestion.CommitListener;
import io.logmeter.ingestion.IngestVerticle;
import io.logmeter.retry.AwsErrors;
import io.logmeter.retry.Backoff;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logmeter's verticles. {@link #start} deploys the HTTP API (live at once, ready later) and
 * completes; the ingest pipeline follows in the background once the AWS resources answer, retried
 * with backoff until they do. Resources that contradict the configuration ({@link ResourceConflict})
 * are not retried: {@link #pipelineStarted} fails with the conflict. {@link #drain} stops the pipeline first, as a load balancer needs.
 */
final class MainVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(MainVerticle.class);

  private final Config config;
  private final AwsClients aws;
  private final ApiServices api;
  private final Function<Context, CommitListener> commits;
  private final Function<Context, Consumer<FoldPeriod>> folded;
  private final Readiness readiness;
  private final Promise<Void> pipelineStarted = Promise.promise();
  private final MeterRegistry registry;
  private volatile String ingestDeployment;
  private volatile String foldDeployment;
  private volatile boolean draining;

  MainVerticle(Config config, AwsClients aws, ApiServices api, Function<Context, CommitListener> commits,
      Function<Context, Consumer<FoldPeriod>> folded, Readiness readiness, MeterRegistry registry) {
    this.folded = folded;
    this.config = config;
    this.aws = aws;
    this.api = api;
    this.commits = commits;
    this.readiness = readiness;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Config.Http http = config.http();
    return vertx.deployVerticle(() -> new ApiVerticle(http.httpHost(), http.httpPort(), api),
            new DeploymentOptions().setInstances(http.apiVerticles()))
        .onSuccess(id -> {
          log.info("API listening on http://{}:{}", http.httpHost(), http.httpPort());
          startPipeline(0);
        });
  }

  /** Completes once the pipeline runs (the instance reports ready). */
  Future<Void> pipelineStarted() {
    return pipelineStarted.future();
  }

  /** Not ready, then no further start of the pipeline, then the running one drained. */
  Future<Void> drain() {
    draining = true;
    readiness.draining();
    String deployment = ingestDeployment;
    Future<Void> ingest = deployment == null ? Future.succeededFuture() : vertx.undeploy(deployment);
    // The fold after the pipeline: it publishes what the last flushes handed over, then gives its lease up.
    return ingest.transform(done -> {
      String fold = foldDeployment;
      Future<Void> folded = fold == null ? Future.succeededFuture() : vertx.undeploy(fold);
      return done.failed() ? folded.transform(v -> Future.failedFuture(done.cause())) : folded;
    });
  }

  private void startPipeline(int attempt) {
    if (draining) {
      return;
    }
    Config.Stack stack = config.stack();
    CompletableFuture<String> resources = stack.createResources()
        ? Resources.create(aws, config).thenCompose(url -> Resources.verify(aws, config))
        : Resources.verify(aws, config);
    Future.fromCompletionStage(resources, context)
        .onSuccess(url -> QueueGauges.start(vertx, aws.sqs(), url, stack.dlqName(), registry))
        .compose(url -> draining || !config.fold().folding() ? Future.succeededFuture(url)
            : vertx.deployVerticle(new FoldVerticle(config.fold(), aws.sqs(), aws.s3(), aws.dynamo(), registry,
                Clock.systemUTC(), folded)).map(id -> {
                  foldDeployment = id;
                  return url;
                }))
        .compose(url -> draining ? Future.failedFuture("draining")
            : vertx.deployVerticle(new IngestVerticle(config.ingest(), aws.sqs(), aws.s3(), aws.dynamo(), url, commits,
                registry, Clock.systemUTC())))
        .onSuccess(id -> {
          ingestDeployment = id;
          readiness.started();
          pipelineStarted.tryComplete();
          log.info("ready");
        })
        .onFailure(failure -> {
          if (draining) {
            return;
          }
          if (AwsErrors.unwrap(failure) instanceof ResourceConflict conflict) {
            readiness.waiting("configuration conflict");
            log.error("{}", conflict.getMessage());
            pipelineStarted.tryFail(conflict);
            return;
          }
          String why = "AWS resources do not answer: " + AwsErrors.code(failure);
          readiness.waiting(why);
          log.warn("{}; retrying", why, AwsErrors.unwrap(failure));
          vertx.setTimer(Backoff.DEFAULT.delayMillis(attempt + 4), id -> startPipeline(attempt + 1));
        });
  }
}
