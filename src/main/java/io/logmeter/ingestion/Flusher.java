package io.logmeter.ingestion;

import io.logmeter.archive.ArchiveKeys;
import io.logmeter.archive.ArchiveObject;
import io.logmeter.archive.ArchivedRecord;
import io.logmeter.archive.RawArchive;
import io.logmeter.fold.FoldPointer;
import io.logmeter.fold.FoldQueue;
import io.logmeter.ingestion.IngestMetrics.Step;
import io.logmeter.ledger.CommitOutcome;
import io.logmeter.ledger.UsageLedger;
import io.logmeter.message.Parsed;
import io.logmeter.retry.AwsErrors;
import io.logmeter.retry.Retry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One flush, in the order that makes it safe: 1. archive every raw message in S3, 2. commit the
 * accepted ones exactly once (their ledger pages, which also list them, and the day items those
 * pages count in), 3. delete them all from the queue. A message leaves the queue only after its raw
 * record is durable and its usage committed; a crash before that means redelivery, which the
 * ledger recognises (and brings the day's item up to the page if the crash came between the two).
 * Steps 1 and 2 are retried while the failure is transient,
 * holding the messages (their visibility is kept extended). A flush given up on shutdown makes its
 * messages visible again at once, for another instance; one given up for a failure gives them back
 * after a delay that grows with their receives, so that a fault lasting longer than a flush does
 * not burn all their receives within seconds. A commit DynamoDB refuses as invalid is split, one
 * half after the other, until the messages at fault are alone: they are given back, and their
 * neighbours acknowledged.
 */
final class Flusher {

  private static final Logger log = LoggerFactory.getLogger(Flusher.class);
  /**
   * How many messages one flush may single out as refused. More is not a few bad messages but a
   * fault of the request as such (a table changed under us): the flush is given up whole.
   */
  static final int MAX_REFUSED = 8;
  /** The delay before a delivery given back after its first receive; it doubles with each receive. */
  static final int RELEASE_BASE_SECONDS = 5;
  static final int RELEASE_MAX_SECONDS = 900;

  private final RawArchive archive;
  private final Counting counting;
  private final Context context;
  private final QueueClient queue;
  private final Retry retry;
  private final Clock clock;
  private final IngestMetrics metrics;
  private final String instanceId;
  private long sequence;

  /**
   * Step 2 of a flush: what makes a flush's archived records count. The pages ledger commits them
   * ({@link UsageLedger#commit}); the fold hands their object to the fold queue.
   */
  @FunctionalInterface
  interface Counting {
    Future<CommitOutcome> count(String objectKey, List<ArchivedRecord> records);

    /** The pages ledger: each flush commits its records, and {@code listener} hears what was counted. */
    static Counting pages(UsageLedger ledger, CommitListener listener) {
      return (objectKey, records) -> {
        long sentNanos = System.nanoTime();
        // Told of each chunk as it commits, even when another chunk of the same commit then fails.
        return ledger.commit(records, chunk -> listener.counted(chunk.counted(), sentNanos));
      };
    }

    /**
     * The fold: the records are counted by the fold's owner from the archive object, once the fold
     * queue holds a pointer to it; here they are handed over, not counted yet, so no one hears of them.
     */
    static Counting fold(FoldQueue foldQueue, Clock clock) {
      return (objectKey, records) -> foldQueue.send(new FoldPointer(objectKey, records.size(), clock.instant()))
          .map(sent -> new CommitOutcome(records, List.of(), List.of(), 0));
    }
  }

  Flusher(RawArchive archive, Counting counting, QueueClient queue, Retry retry,
      Context context, Clock clock, IngestMetrics metrics, String instanceId) {
    this.archive = archive;
    this.counting = counting;
    this.context = context;
    this.queue = queue;
    this.retry = retry;
    this.clock = clock;
    this.metrics = metrics;
    this.instanceId = instanceId;
  }

  /** Completes when every delivery of the batch is acknowledged or released; never fails. */
  Future<Void> flush(List<Delivery> batch) {
    try {
      return flushOnce(batch);
    } catch (RuntimeException e) {
      // A defect, not a fault of AWS: the deliveries must still go back rather than stay held.
      log.error("flush of {} deliveries failed before it started", batch.size(), e);
      return giveUp(batch, e);
    }
  }

  private Future<Void> flushOnce(List<Delivery> batch) {
    long started = System.nanoTime();
    Instant now = clock.instant();
    long seq = ++sequence;
    ArchiveObject raw = new ArchiveObject(ArchiveKeys.key(ArchiveKeys.RAW, now, instanceId, seq));
    ArchiveObject rejected = new ArchiveObject(ArchiveKeys.key(ArchiveKeys.REJECTED, now, instanceId, seq));
    int sameBatchDuplicates = sortIntoArchive(batch, raw, rejected);
    metrics.flushSize.record(batch.size());

    return metrics.timed(Step.ARCHIVE, () -> retry.run(() -> archive.put(raw, rejected).onFailure(failure ->
                log.warn("archive of {} deliveries failed ({}); retrying", batch.size(), AwsErrors.code(failure))),
            AwsErrors::isTransient))
        .compose(archived -> metrics.timed(Step.COMMIT, () -> commitSingling(raw.key(), raw.records(),
            new Refusals())))
        .compose(commit -> {
          recordInMetrics(commit.outcome(), sameBatchDuplicates);
          Set<String> refusedIds = new HashSet<>();
          commit.refused().forEach(r -> refusedIds.add(r.record().messageId()));
          List<Delivery> done = new ArrayList<>(batch.size());
          List<Delivery> refused = new ArrayList<>();
          for (Delivery d : batch) {
            boolean atFault = d.parsed instanceof Parsed.Accepted a && refusedIds.contains(a.record().messageId());
            (atFault ? refused : done).add(d);
          }
          return metrics.timed(Step.ACKNOWLEDGE, () -> acknowledge(done, 0)).compose(v -> release(refused, true));
        })
        .recover(failure -> giveUp(batch, failure))
        .onComplete(done -> metrics.flushDuration.record(Duration.ofNanos(System.nanoTime() - started)));
  }

  /** What a commit counted, and the records DynamoDB refused as invalid, singled out. */
  private record Commit(CommitOutcome outcome, List<ArchivedRecord> refused) {
    Commit plus(Commit other) {
      List<ArchivedRecord> all = new ArrayList<>(refused);
      all.addAll(other.refused);
      return new Commit(outcome.plus(other.outcome), all);
    }
  }

  /**
   * Commits the records. Where DynamoDB refuses a request as invalid, which one message can cause
   * for all of its chunk, each half is committed on its own, one after the other (so that the search
   * has one request in flight, and at most about {@code MAX_REFUSED * log2(n)} of them), down to the
   * records at fault. Nothing is archived again: every record keeps its place in this flush's object.
   * What a half committed before is found counted when a later attempt comes to it.
   */
  private Future<Commit> commitSingling(String objectKey, List<ArchivedRecord> records, Refusals refusals) {
    return commit(objectKey, records).map(outcome -> new Commit(outcome, List.of())).recover(failure -> {
      if (!AwsErrors.isInvalidRequest(failure) || !retry.keepTrying()) {
        return Future.failedFuture(failure);
      }
      if (records.size() == 1) {
        if (!refusals.another()) {
          return Future.failedFuture(failure);
        }
        log.warn("message {} refused by DynamoDB as invalid ({}); giving it back alone",
            records.get(0).record().messageId(), AwsErrors.code(failure));
        return Future.succeededFuture(new Commit(CommitOutcome.NOTHING, records));
      }
      int half = records.size() / 2;
      return commitSingling(objectKey, records.subList(0, half), refusals)
          .compose(first -> commitSingling(objectKey, records.subList(half, records.size()), refusals)
              .map(first::plus));
    });
  }

  /** The records of one flush singled out as refused so far; past {@link #MAX_REFUSED} the flush fails. */
  private static final class Refusals {
    private int count;

    /** Counts one more; false once there are more than {@link #MAX_REFUSED}. */
    boolean another() {
      return ++count <= MAX_REFUSED;
    }
  }

  private Future<Void> giveUp(List<Delivery> batch, Throwable failure) {
    boolean stopping = !retry.keepTrying();
    log.warn("flush of {} deliveries given up ({}); releasing them{}", batch.size(), AwsErrors.code(failure),
        stopping ? "" : " after a delay that grows with their receives");
    metrics.flushFailures.increment();
    return release(batch, !stopping);
  }

  /**
   * Writes accepted records to {@code raw} and rejected ones to {@code rejected}. A message delivered
   * twice within one batch (SNS duplicate, or a redelivery) is archived and committed once; the other
   * delivery is simply acknowledged with it. Returns the number of such same-batch duplicates.
   */
  private int sortIntoArchive(List<Delivery> batch, ArchiveObject raw, ArchiveObject rejected) {
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

  private Future<CommitOutcome> commit(String objectKey, List<ArchivedRecord> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture(CommitOutcome.NOTHING);
    }
    return counting.count(objectKey, records);
  }

  /** What the commit counted and found counted before, in the pipeline's metrics. */
  private void recordInMetrics(CommitOutcome outcome, int sameBatchDuplicates) {
    Instant now = clock.instant();
    metrics.accepted.increment(outcome.committed().size());
    metrics.duplicates.increment(outcome.duplicates().size() + sameBatchDuplicates);
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

  /**
   * Gives unfinished deliveries back to the queue rather than leaving them until their timeout: at
   * once, or with {@code backOff} after {@link #releaseSeconds} of their receive count.
   */
  Future<Void> release(List<Delivery> deliveries, boolean backOff) {
    if (deliveries.isEmpty()) {
      return Future.succeededFuture();
    }
    metrics.released.increment(deliveries.size());
    Map<Integer, List<Delivery>> bySeconds = new TreeMap<>();
    for (Delivery d : deliveries) {
      bySeconds.computeIfAbsent(backOff ? releaseSeconds(d.receiveCount) : 0, s -> new ArrayList<>()).add(d);
    }
    List<Future<?>> releases = new ArrayList<>();
    bySeconds.forEach((seconds, group) -> releases.add(queue.changeVisibility(group, seconds)
        .otherwise(failure -> {
          log.warn("could not release {} deliveries ({}); they reappear after their visibility timeout",
              group.size(), AwsErrors.code(failure));
          return List.of();
        })));
    return Future.join(releases).mapEmpty();
  }

  /** 5 s after the first receive, doubling with each one after, at most 15 minutes. */
  static int releaseSeconds(int receiveCount) {
    int doublings = Math.max(0, Math.min(receiveCount - 1, 10));
    return Math.min(RELEASE_MAX_SECONDS, RELEASE_BASE_SECONDS << doublings);
  }
}
