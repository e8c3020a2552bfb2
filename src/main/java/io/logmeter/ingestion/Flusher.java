package io.logmeter.ingestion;

import io.logmeter.alerts.UsageAlerts;
import io.logmeter.archive.ArchiveKeys;
import io.logmeter.archive.ArchiveObject;
import io.logmeter.archive.ArchivedRecord;
import io.logmeter.archive.RawArchive;
import io.logmeter.ingestion.IngestMetrics.Step;
import io.logmeter.ledger.CommitOutcome;
import io.logmeter.ledger.CounterDelta;
import io.logmeter.ledger.UsageLedger;
import io.logmeter.logs.LogIndex;
import io.logmeter.message.Parsed;
import io.logmeter.retry.AwsErrors;
import io.logmeter.retry.Retry;
import io.logmeter.usage.UsageCache;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One flush, in the order that makes it safe: 1. archive every raw message in S3, 2. commit the
 * accepted ones exactly once, 3. index them for listing, 4. delete them all from the queue. A
 * message leaves the queue only after its raw record is durable, its usage committed and its index
 * entry written; a crash before that means redelivery, which the ledger recognises (and the index
 * put, being idempotent, simply repeats). Steps 1 to 3 are retried while the failure is transient,
 * holding the messages (their visibility is kept extended); if the flush is given up (shutdown),
 * its messages are made visible again at once. A flush DynamoDB refuses as invalid is split until
 * the message at fault is alone, so that it does not take its neighbours to the DLQ with it.
 */
final class Flusher {

  private static final Logger log = LoggerFactory.getLogger(Flusher.class);

  private final RawArchive archive;
  private final UsageLedger ledger;
  private final LogIndex logIndex;
  private final Context context;
  private final QueueClient queue;
  private final UsageCache cache;
  private final UsageAlerts alerts;
  private final Retry retry;
  private final Clock clock;
  private final IngestMetrics metrics;
  private final String instanceId;
  private long sequence;

  Flusher(RawArchive archive, UsageLedger ledger, LogIndex logIndex, QueueClient queue, UsageCache cache,
      UsageAlerts alerts, Retry retry, Context context, Clock clock, IngestMetrics metrics, String instanceId) {
    this.alerts = alerts;
    this.archive = archive;
    this.ledger = ledger;
    this.logIndex = logIndex;
    this.context = context;
    this.queue = queue;
    this.cache = cache;
    this.retry = retry;
    this.clock = clock;
    this.metrics = metrics;
    this.instanceId = instanceId;
  }

  /** Completes when every delivery of the batch is acknowledged or released; never fails. */
  Future<Void> flush(List<Delivery> batch) {
    long started = System.nanoTime();
    Instant now = clock.instant();
    long seq = ++sequence;
    ArchiveObject raw = new ArchiveObject(ArchiveKeys.key(ArchiveKeys.RAW, now, instanceId, seq));
    ArchiveObject rejected = new ArchiveObject(ArchiveKeys.key(ArchiveKeys.REJECTED, now, instanceId, seq));
    int sameBatchDuplicates = split(batch, raw, rejected);
    metrics.flushSize.record(batch.size());

    return metrics.timed(Step.ARCHIVE, () -> retry.run(() -> archive.put(raw, rejected).onFailure(failure ->
                log.warn("archive of {} deliveries failed ({}); retrying", batch.size(), AwsErrors.code(failure))),
            AwsErrors::isTransient))
        .compose(archived -> metrics.timed(Step.COMMIT, () -> commit(raw.records())))
        .compose(outcome -> metrics.timed(Step.INDEX, () -> index(outcome)).map(outcome))
        .compose(outcome -> {
          account(outcome, sameBatchDuplicates);
          return metrics.timed(Step.ACKNOWLEDGE, () -> acknowledge(batch, 0));
        })
        .recover(failure -> batch.size() > 1 && AwsErrors.isInvalidRequest(failure) && retry.keepTrying()
            ? isolate(batch, failure) : giveUp(batch, failure))
        .onComplete(done -> metrics.flushDuration.record(Duration.ofNanos(System.nanoTime() - started)));
  }

  /**
   * DynamoDB refused part of the flush as invalid, which one message can cause for all of them: each
   * half is flushed on its own, down to the message at fault, which alone is given back (and reaches
   * the DLQ after its receives). What was committed before is found counted when its half comes.
   */
  private Future<Void> isolate(List<Delivery> batch, Throwable failure) {
    log.warn("flush of {} deliveries refused as invalid ({}); flushing each half on its own to single out the "
        + "message at fault", batch.size(), AwsErrors.code(failure));
    int half = batch.size() / 2;
    return Future.all(flush(batch.subList(0, half)), flush(batch.subList(half, batch.size()))).mapEmpty();
  }

  private Future<Void> giveUp(List<Delivery> batch, Throwable failure) {
    log.warn("flush of {} deliveries given up ({}); releasing them", batch.size(), AwsErrors.code(failure));
    metrics.flushFailures.increment();
    return release(batch);
  }

  /**
   * Writes accepted records to {@code raw} and rejected ones to {@code rejected}. A message delivered
   * twice within one batch (SNS duplicate, or a redelivery) is archived and committed once; the other
   * delivery is simply acknowledged with it. Returns the number of such same-batch duplicates.
   */
  private int split(List<Delivery> batch, ArchiveObject raw, ArchiveObject rejected) {
    Set<String> seen = new HashSet<>();
    int duplicates = 0;
    for (Delivery d : batch) {
      if (d.parsed instanceof Parsed.Accepted accepted) {
        if (seen.add(accepted.record().messageId())) {
          raw.add(accepted.record(), d.receivedAt);
        } else {
          duplicates++;
        }
      } else if (d.parsed instanceof Parsed.Rejected r) {
        rejected.addRejected(d.sqsMessageId, d.receivedAt, r.reason(), r.detail(), d.body);
        metrics.rejected(r.reason());
      }
    }
    return duplicates;
  }

  private Future<CommitOutcome> commit(List<ArchivedRecord> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture(CommitOutcome.NOTHING);
    }
    long sentNanos = System.nanoTime();
    return ledger.commit(records).onSuccess(outcome -> {
      for (CounterDelta delta : outcome.counted()) {
        if (delta.isTotal()) {
          cache.add(delta.accountId(), delta.bytes(), delta.messages(), sentNanos);
        }
      }
      alerts.committed(outcome.counted());
    });
  }

  /** Index entries for the counted records and for the duplicates (whose entry a crash may have lost). */
  private Future<Void> index(CommitOutcome outcome) {
    List<ArchivedRecord> pending = new ArrayList<>(outcome.committed());
    pending.addAll(outcome.duplicates());
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    Instant now = clock.instant();
    AtomicReference<List<ArchivedRecord>> left = new AtomicReference<>(pending);
    return retry.run(() -> Future.fromCompletionStage(logIndex.put(left.get(), now), context).compose(result -> {
      metrics.writeUnits.increment(result.writeUnits());
      metrics.indexItems.increment(left.get().size() - result.unprocessed().size());
      if (result.unprocessed().isEmpty()) {
        return Future.succeededFuture();
      }
      left.set(result.unprocessed());
      return Future.failedFuture(new UnprocessedItems(result.unprocessed().size()));
    }), failure -> failure instanceof UnprocessedItems || AwsErrors.isTransient(failure));
  }

  /** DynamoDB took only part of a batch write (throttling): the rest is tried again. */
  private static final class UnprocessedItems extends RuntimeException {
    UnprocessedItems(int count) {
      super(count + " index entries unprocessed", null, false, false);
    }
  }

  private void account(CommitOutcome outcome, int sameBatchDuplicates) {
    Instant now = clock.instant();
    metrics.accepted.increment(outcome.committed().size());
    metrics.duplicates.increment(outcome.duplicates().size() + sameBatchDuplicates);
    metrics.writeUnits.increment(outcome.writeUnits());
    metrics.counterItems.increment(outcome.counted().size());
    for (ArchivedRecord r : outcome.committed()) {
      metrics.acceptedBytes.increment(r.record().bytes());
      metrics.publishedAgo(Duration.between(r.record().eventTime(), now));
    }
  }

  /**
   * Deletes the batch from the queue. Failing now is harmless: the messages come back after their
   * visibility timeout and are recognised as counted. So a few tries, then let SQS redeliver.
   */
  private Future<Void> acknowledge(List<Delivery> deliveries, int attempt) {
    return queue.delete(deliveries).compose(failed -> {
      metrics.deleted.increment(deliveries.size() - failed.size());
      if (failed.isEmpty() || attempt >= 3 || !retry.keepTrying()) {
        if (!failed.isEmpty()) {
          log.warn("{} deliveries not deleted; they will be redelivered and found counted", failed.size());
        }
        return Future.succeededFuture();
      }
      return Future.<Void>future(p -> retry.later(attempt, () -> acknowledge(failed, attempt + 1).onComplete(p)));
    }, failure -> {
      log.warn("delete failed ({}); the deliveries will be redelivered and found counted", AwsErrors.code(failure));
      return Future.succeededFuture();
    });
  }

  /** Gives unfinished deliveries back to the queue at once rather than after their timeout. */
  Future<Void> release(List<Delivery> deliveries) {
    metrics.released.increment(deliveries.size());
    return queue.changeVisibility(deliveries, 0)
        .<Void>mapEmpty()
        .otherwise(failure -> {
          log.warn("could not release {} deliveries ({}); they reappear after their visibility timeout",
              deliveries.size(), AwsErrors.code(failure));
          return null;
        });
  }
}
