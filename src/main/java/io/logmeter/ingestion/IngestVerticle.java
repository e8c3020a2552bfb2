package io.logmeter.ingestion;

import io.logmeter.archive.RawArchive;
import io.logmeter.fold.FoldQueue;
import io.logmeter.ledger.UsageLedger;
import io.logmeter.retry.Backoff;
import io.logmeter.retry.Retry;
import io.micrometer.core.instrument.MeterRegistry;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest pipeline: pollers feed a batcher, whose flushes archive, commit and acknowledge. All
 * of its state lives on this verticle's context; AWS results are brought back onto it.
 *
 * <p>Stopping drains: no new receives, the long polls under way end (what they bring is given
 * back once all of them have ended), what is gathered is flushed, running flushes finish. Once
 * those polls have ended, a failure is not retried: the flush gives its deliveries back at once,
 * for an instance that is not stopping. What is still unfinished when the grace period ends is made
 * visible again at once.
 */
public final class IngestVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(IngestVerticle.class);

  private final IngestSettings settings;
  private final SqsAsyncClient sqs;
  private final S3AsyncClient s3;
  private final DynamoDbAsyncClient dynamo;
  private final String queueUrl;
  private final Function<Context, CommitListener> listener;
  private final MeterRegistry registry;
  private final Clock clock;
  private final List<Poller> pollers = new ArrayList<>();
  private InFlight inFlight;
  private Batcher batcher;
  private Flusher flusher;
  private long visibilityTimer;
  /** Set once a stop has no receive under way: from then on a failed AWS call is not retried. */
  private volatile boolean retriesOver;
  /** Set when the drain ends, finished or at the end of the grace period. */
  private volatile boolean givenUp;

  public IngestVerticle(IngestSettings settings, SqsAsyncClient sqs, S3AsyncClient s3, DynamoDbAsyncClient dynamo,
      String queueUrl, Function<Context, CommitListener> listener, MeterRegistry registry, Clock clock) {
    this.listener = listener;
    this.settings = settings;
    this.sqs = sqs;
    this.s3 = s3;
    this.dynamo = dynamo;
    this.queueUrl = queueUrl;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    IngestSettings.Receiving receiving = settings.receiving();
    IngestSettings.Batching batching = settings.batching();
    IngestSettings.Ledger tables = settings.ledger();
    int bound = InFlight.messageBound(receiving.maxInFlightMessages(), batching.maxConcurrentFlushes(),
        batching.batchMaxMessages());
    if (bound < receiving.maxInFlightMessages()) {
      log.info("holding at most {} messages, what {} flushes of {} can take (maxInFlightMessages {})", bound,
          batching.maxConcurrentFlushes(), batching.batchMaxMessages(), receiving.maxInFlightMessages());
    }
    inFlight = new InFlight(bound, receiving.maxInFlightBytes());
    IngestMetrics metrics = new IngestMetrics(registry, inFlight);
    Retry retry = new Retry(vertx, Backoff.DEFAULT, () -> !retriesOver);
    QueueClient queue = new QueueClient(sqs, context, queueUrl);
    Flusher.Counting counting = settings.fold().folding()
        ? Flusher.Counting.fold(new FoldQueue(sqs, context, settings.fold().foldQueueName()), clock)
        : Flusher.Counting.pages(new UsageLedger(dynamo, context, retry, tables.ledgerTable(), tables.usageTable(),
            Duration.ofDays(tables.ledgerTtlDays()).toSeconds(), tables.maxConcurrentWrites(),
            tables.ledgerMemoryMiB() << 20, clock, settings.instanceId() + '/' + java.util.UUID.randomUUID(),
            metrics.ledgerObserver()), listener.apply(context));
    flusher = new Flusher(new RawArchive(s3, context, settings.bucket()), counting, queue, retry, context, clock,
        metrics, settings.instanceId());
    batcher = new Batcher(vertx, batch -> flusher.flush(batch).onComplete(done -> inFlight.release(batch)),
        batching.batchMaxMessages(), batching.batchMaxBytes(), batching.batchMaxAgeMillis(),
        batching.maxConcurrentFlushes());
    VisibilityKeeper keeper = new VisibilityKeeper(inFlight, queue, metrics, receiving.visibilityTimeoutSeconds(),
        VisibilityKeeper.MAX_HOLD);
    visibilityTimer = vertx.setPeriodic(keeper.periodMillis(), id -> keeper.extendDue());
    for (int i = 0; i < receiving.pollers(); i++) {
      Poller poller = new Poller(queue, inFlight, batcher::add, context, clock, metrics,
          receiving.receiveWaitSeconds(), receiving.visibilityTimeoutSeconds());
      pollers.add(poller);
      poller.start();
    }
    log.info("ingesting from {} with {} pollers", queueUrl, receiving.pollers());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    // Long polls under way are waited for, not cancelled: SQS may have handed them messages already.
    List<Future<List<Delivery>>> receives = new ArrayList<>();
    pollers.forEach(poller -> receives.add(poller.stop()));
    Promise<Void> graceOver = Promise.promise();
    long graceTimer = vertx.setTimer(settings.shutdownGraceSeconds() * 1000L, id -> graceOver.tryComplete());
    List<Delivery> givingBack = new ArrayList<>();
    // What those polls brought is given back once all of them have ended: given back earlier, it
    // would be received again by a poll still under way here, each receive counting toward the DLQ.
    // Once no receive is under way, a failure is final. An outage met while stopping would outlast the
    // grace period more often than not, and every delivery held to its end would then be released at
    // once, thousands in one burst, which a queue takes time in proportion to its length to apply.
    // Given back as each flush fails, they spread over the grace period and reach a healthy instance
    // sooner. Not before: a long poll still under way would receive what is given back, and spend
    // one of its receives for nothing.
    Future<Void> polled = Future.all(receives).compose(all -> {
      retriesOver = true;
      if (givenUp) {
        return Future.succeededFuture();
      }
      receives.forEach(r -> givingBack.addAll(r.result()));
      if (givingBack.isEmpty()) {
        return Future.succeededFuture();
      }
      log.info("{} messages received while stopping: giving them back", givingBack.size());
      return flusher.release(givingBack, false).onComplete(done -> inFlight.release(givingBack));
    });
    Future<Void> drained = polled.compose(v -> batcher.drain());
    return Future.any(drained, graceOver.future()).compose(first -> {
      vertx.cancelTimer(graceTimer);
      vertx.cancelTimer(visibilityTimer);
      retriesOver = true;
      givenUp = true;
      pollers.forEach(Poller::giveBackWhatArrives);
      // Batches still waiting for a flush slot would only be archived to fail: they are released
      // with the rest.
      batcher.close();
      List<Delivery> unfinished = new ArrayList<>(inFlight.held());
      unfinished.removeAll(givingBack);
      if (unfinished.isEmpty()) {
        log.info("drained: every delivery acknowledged or given back");
        return Future.succeededFuture();
      }
      log.warn("grace period over: releasing {} unfinished deliveries", unfinished.size());
      return flusher.release(unfinished, false).onComplete(done -> {
        inFlight.release(unfinished);
        log.info("released {} unfinished deliveries", unfinished.size());
      });
    });
  }
}
