package io.logmeter.fold;

import io.logmeter.ledger.DayCounters;
import io.logmeter.ledger.UsageLedger;
import io.logmeter.retry.Backoff;
import io.logmeter.retry.Retry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * The fold's owner on this instance: it competes for the lease, and folds while it holds it
 * ({@link FoldOwner}). Deployed on every instance when {@code ledger} is {@code fold}; stopped after
 * the ingest pipeline, so that it publishes what the last flushes handed over, then gives the lease
 * up.
 */
public final class FoldVerticle extends VerticleBase {

  private final FoldSettings settings;
  private final SqsAsyncClient sqs;
  private final S3AsyncClient s3;
  private final DynamoDbAsyncClient dynamo;
  private final MeterRegistry registry;
  private final Clock clock;
  private final Function<Context, Consumer<FoldPeriod>> published;
  private FoldOwner owner;
  private volatile boolean running = true;

  /** @param published told of each period once the head names it (the usage alerts), on the owner's context */
  public FoldVerticle(FoldSettings settings, SqsAsyncClient sqs, S3AsyncClient s3, DynamoDbAsyncClient dynamo,
      MeterRegistry registry, Clock clock, Function<Context, Consumer<FoldPeriod>> published) {
    this.published = published;
    this.settings = settings;
    this.sqs = sqs;
    this.s3 = s3;
    this.dynamo = dynamo;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    String ownerId = settings.instanceId() + '/' + UUID.randomUUID();
    Duration lease = Duration.ofSeconds(settings.foldLeaseSeconds());
    long ttlSeconds = Duration.ofDays(settings.ledgerTtlDays()).toSeconds();
    Retry retry = new Retry(vertx, Backoff.DEFAULT, () -> running);
    UsageLedger late = new UsageLedger(dynamo, context, retry, settings.ledgerTable(), settings.usageTable(), ttlSeconds,
        FoldOwner.PARALLEL_WRITES, 32L << 20, clock, ownerId + "/late", UsageLedger.Observer.NONE);
    Compactor compactor = new Compactor(dynamo, context, settings.ledgerTable(),
        new DayCounters(dynamo, context, settings.usageTable(), units -> { }), ttlSeconds, clock);
    owner = new FoldOwner(vertx,
        new Lease(dynamo, context, settings.usageTable(), ownerId, lease, lease.dividedBy(6), clock, System::nanoTime),
        new FoldHead(dynamo, context, settings.usageTable()), new PeriodChain(s3, context, settings.bucket()),
        new FoldQueue(sqs, context, settings.foldQueueName()),
        key -> Future.fromCompletionStage(s3.getObject(g -> g.bucket(settings.bucket()).key(key),
            AsyncResponseTransformer.toBytes()), context).map(bytes -> bytes.asByteArray()),
        compactor, late, settings, clock, metrics(published.apply(context)), ownerId);
    Gauge.builder("logmeter.fold.owner", owner, o -> o.owning() ? 1 : 0)
        .description("1 while this instance folds (holds the fold's lease)").register(registry);
    owner.start();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    running = false;
    return owner.stop();
  }

  private FoldOwner.Observer metrics(Consumer<FoldPeriod> told) {
    Counter periods = Counter.builder("logmeter.fold.periods").description("periods the fold published")
        .register(registry);
    Counter counted = records("counted");
    Counter duplicates = records("duplicate");
    Counter late = records("late");
    Counter compacted = Counter.builder("logmeter.fold.compacted.hours")
        .description("account-hours written to pages and day items").register(registry);
    Counter takes = Counter.builder("logmeter.fold.takeovers").description("epochs this instance took")
        .register(registry);
    return new FoldOwner.Observer() {
      @Override
      public void published(FoldPeriod period) {
        periods.increment();
        told.accept(period);
      }

      @Override
      public void folded(long countedRecords, int duplicateRecords, int lateRecords) {
        counted.increment(countedRecords);
        duplicates.increment(duplicateRecords);
        late.increment(lateRecords);
      }

      @Override
      public void compacted(int accountHours, int pages) {
        compacted.increment(accountHours);
      }

      @Override
      public void took(long epoch) {
        takes.increment();
      }
    };
  }

  private Counter records(String outcome) {
    return Counter.builder("logmeter.fold.records").tag("outcome", outcome)
        .description("records the fold read from archive objects, by outcome").register(registry);
  }
}
