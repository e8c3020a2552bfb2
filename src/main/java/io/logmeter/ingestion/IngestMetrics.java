package io.logmeter.ingestion;

import io.logmeter.ledger.UsageLedger;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The pipeline's meters, exported on /metrics as logmeter_messages_*, logmeter_flush_* and so on. */
final class IngestMetrics {

  /** The steps of a flush, in their order. */
  enum Step {
    ARCHIVE, COMMIT, ACKNOWLEDGE
  }

  final Counter received;
  final Counter accepted;
  final Counter duplicates;
  final Counter acceptedBytes;
  final Counter deleted;
  final Counter released;
  final Counter extended;
  final Counter flushFailures;
  final Counter pollerRestarts;
  final Counter heldTooLong;
  final Counter writeUnits;
  final Counter pageItems;
  final Counter dayItems;
  final DistributionSummary flushSize;
  final Timer flushDuration;
  private final Map<Step, Timer> steps = new EnumMap<>(Step.class);

  final Timer publishToCommit;
  private final MeterRegistry registry;

  IngestMetrics(MeterRegistry registry, InFlight inFlight) {
    this.registry = registry;
    received = Counter.builder("logmeter.messages.received").description("SQS deliveries received").register(registry);
    accepted = Counter.builder("logmeter.messages.accepted").description("messages counted, exactly once each")
        .register(registry);
    duplicates = Counter.builder("logmeter.messages.duplicates")
        .description("deliveries of messages already counted (SQS redelivery, SNS duplicates)").register(registry);
    acceptedBytes = Counter.builder("logmeter.accepted.bytes").description("billable bytes counted")
        .register(registry);
    deleted = Counter.builder("logmeter.messages.deleted").description("deliveries acknowledged to SQS")
        .register(registry);
    released = Counter.builder("logmeter.messages.released")
        .description("deliveries made visible again unfinished (shutdown or failure)").register(registry);
    extended = Counter.builder("logmeter.visibility.extended").description("visibility timeout extensions")
        .register(registry);
    flushFailures = Counter.builder("logmeter.flush.failures").description("flushes given up and released")
        .register(registry);
    pollerRestarts = Counter.builder("logmeter.poller.restarts")
        .description("receive loops restarted after a defect; alarm on any").register(registry);
    heldTooLong = Counter.builder("logmeter.visibility.released.held.too.long")
        .description("deliveries no longer extended: held past the hold limit, or the extension refused").register(registry);
    writeUnits = Counter.builder("logmeter.dynamodb.write.units")
        .description("write capacity consumed by ledger pages and day items, as DynamoDB reports it").register(registry);
    pageItems = itemsWritten("page", "ledger pages put (plain, conditional)");
    dayItems = itemsWritten("day", "day usage items brought up to their pages (plain, conditional)");
    flushSize = DistributionSummary.builder("logmeter.flush.size").description("deliveries per flush")
        .register(registry);
    flushDuration = Timer.builder("logmeter.flush.duration")
        .description("a whole flush: archive, commit and acknowledge").publishPercentiles(0.5, 0.99)
        .register(registry);
    for (Step step : Step.values()) {
      steps.put(step, Timer.builder("logmeter.flush.step").description("one step of a flush, its retries included")
          .tag("step", step.name().toLowerCase(Locale.ROOT)).publishPercentiles(0.5, 0.99).register(registry));
    }
    publishToCommit = Timer.builder("logmeter.publish.to.commit")
        .description("from the message's event time to its commit").publishPercentiles(0.5, 0.99)
        .register(registry);
    Gauge.builder("logmeter.inflight.messages", inFlight, InFlight::messages).register(registry);
    Gauge.builder("logmeter.inflight.bytes", inFlight, InFlight::bytes).baseUnit("bytes").register(registry);
  }

  /** Runs one step of a flush, timed. */
  <T> Future<T> timed(Step step, Supplier<Future<T>> action) {
    long started = System.nanoTime();
    return action.get().onComplete(done -> steps.get(step).record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
  }

  /** Items written, by kind: with the item sizes, what a write costs in AWS's capacity units. */
  private Counter itemsWritten(String kind, String description) {
    return Counter.builder("logmeter.dynamodb.items.written").description(description).tag("kind", kind)
        .register(registry);
  }

  void rejected(String reason) {
    Counter.builder("logmeter.messages.rejected").description("malformed messages archived under rejected/")
        .tag("reason", reason).register(registry).increment();
  }

  /** What the ledger wrote, and where it found another writer first (then it reads and goes on). */
  UsageLedger.Observer ledgerObserver() {
    return new UsageLedger.Observer() {
      @Override
      public void pageWritten() {
        pageItems.increment();
      }

      @Override
      public void dayUpdated() {
        dayItems.increment();
      }

      @Override
      public void consumed(double units) {
        writeUnits.increment(units);
      }

      @Override
      public void conflict(String reason) {
        Counter.builder("logmeter.ledger.conflicts")
            .description("conditional writes that found another writer first, by reason; read and retried")
            .tag("reason", reason).register(registry).increment();
      }
    };
  }

  /** An event time can be millennia ago (years 0001 to 9999 are billed): past a day is not latency. */
  void publishedAgo(Duration age) {
    if (!age.isNegative() && age.compareTo(Duration.ofDays(1)) <= 0) {
      publishToCommit.record(age);
    }
  }
}
