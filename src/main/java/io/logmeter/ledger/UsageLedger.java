package io.logmeter.ledger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.logmeter.archive.ArchivedRecord;
import io.logmeter.retry.AwsErrors;
import io.logmeter.retry.Limiter;
import io.logmeter.retry.Retry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * The exactly-once commit, at a fraction of a write unit per message. Messages are counted in
 * pages (see {@link Page}): per account and event hour, a chain of immutable items, each written on
 * the condition that its number is free, by a writer that has read every page before it. The page
 * is the dedupe marker and the effect at once: a message is counted when, and only when, its id
 * enters a page, and no id enters two pages of its partition.
 *
 * <p>A commit, per partition it touches (one after the other within this instance):
 * <ol>
 *   <li>Drop the messages already in a page: duplicates (SQS redelivery, SNS twice).</li>
 *   <li>Put the rest as page {@code v + 1}. Refused because the page exists: another writer came
 *       first; read its pages and go back to 1. A failure that may have written the page is
 *       retried with the identical page: found written, it is recognised by its writer token.</li>
 * </ol>
 * Then, per account and day, the day's usage item is brought up to the partitions' newest pages:
 * each hour's entry ({@code h00}…{@code h23}) holds the page number and cumulative sums it
 * reflects, and is only ever moved forward ({@link DayCounters}). A message is acknowledged only
 * once both are done; a crash between them leaves the message in the queue, and its redelivery,
 * found in a page, brings the day's item up to date. So the counters never show a message twice,
 * and never lack an acknowledged one.
 *
 * <p>Cost: one conditional put per (account, hour) and one update per (account, day) in a commit,
 * each one write unit per KB, whatever the number of messages; no transaction.
 */
public final class UsageLedger {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(UsageLedger.class);

  private final DynamoDbAsyncClient dynamo;
  private final Context context;
  private final Retry retry;
  private final String ledgerTable;
  private final DayCounters days;
  private final long ttlSeconds;
  private final Clock clock;
  private final String writerId;
  private final Observer observer;
  private final Limiter writes;
  private final Cache<String, Partition> partitions;
  private long commits;

  /**
   * @param writerId unique to this process, so that its pages are told from any other writer's
   * @param maxHeldBytes the memory the partitions' ids may take; past it the least used are
   *     forgotten and read again when next written
   * @param observer told of each write, and of each conditional write that found another writer first
   */
  public UsageLedger(DynamoDbAsyncClient dynamo, Context context, Retry retry, String ledgerTable,
      String usageTable, long ttlSeconds, int maxConcurrentWrites, long maxHeldBytes, Clock clock,
      String writerId, Observer observer) {
    this.dynamo = dynamo;
    this.context = context;
    this.retry = retry;
    this.ledgerTable = ledgerTable;
    this.days = new DayCounters(dynamo, context, usageTable, observer::consumed);
    this.ttlSeconds = ttlSeconds;
    this.clock = clock;
    this.writerId = writerId;
    this.observer = observer;
    this.writes = new Limiter(maxConcurrentWrites);
    this.partitions = Caffeine.newBuilder()
        .maximumWeight(maxHeldBytes)
        .weigher((String key, Partition p) -> (int) Math.min(Integer.MAX_VALUE, p.weight()))
        .executor(Runnable::run)
        .build();
  }

  /** What the ledger tells of its writes (metrics). */
  public interface Observer {
    Observer NONE = new Observer() {
    };

    default void pageWritten() {
    }

    default void dayUpdated() {
    }

    /** A conditional write found another writer first: {@code page_exists} or {@code day_ahead}. */
    default void conflict(String reason) {
    }

    /** Write capacity DynamoDB reports it consumed. */
    default void consumed(double writeUnits) {
    }
  }

  /** The records of one partition and archive object in one commit. */
  private record Group(String partition, String accountId, String hour, LocalDate day, List<ArchivedRecord> records) {
  }

  /** What a group's write left: whose messages it counted, and how far its partition now goes. */
  private record Written(Group group, List<ArchivedRecord> counted, List<ArchivedRecord> duplicates,
      DayCounters.Hour hour) {
  }

  /**
   * Counts {@code records} exactly once. {@code committed} hears, per account and day, of what was
   * counted as soon as it is: also in a commit that then fails, what it counted is counted.
   */
  public Future<CommitOutcome> commit(List<ArchivedRecord> records, Consumer<CommitOutcome> committed) {
    long commit = ++commits;
    Map<String, Group> groups = new LinkedHashMap<>();
    for (ArchivedRecord r : records) {
      String partition = Page.partition(r.record().accountId(), r.record().eventTime());
      // Per object too: the pages written here are of the classic form, which points into one object.
      groups.computeIfAbsent(partition + ' ' + r.location().objectKey(), k -> new Group(partition,
          r.record().accountId(), Page.hour(r.record().eventTime()), r.record().day(), new ArrayList<>()))
          .records().add(r);
    }
    // Set by the first group that fails: the groups not started yet are not started.
    Promise<Void> aGroupFailed = Promise.promise();
    List<Future<Written>> written = new ArrayList<>(groups.size());
    int index = 0;
    for (Group group : groups.values()) {
      String token = writerId + '/' + commit + '/' + index++;
      written.add(writes.run(() -> aGroupFailed.future().failed() ? Future.failedFuture(new Stopped())
              : write(group, token))
          .onFailure(aGroupFailed::tryFail));
    }
    return Future.join(written).transform(ended -> {
      // Every group that was written is folded, also when another failed: its pages count.
      Map<String, List<Written>> byDay = new LinkedHashMap<>();
      Throwable failure = null;
      for (Future<Written> w : written) {
        if (w.succeeded()) {
          Group g = w.result().group();
          byDay.computeIfAbsent(g.accountId() + ' ' + g.day(), k -> new ArrayList<>()).add(w.result());
        } else if (failure == null || failure instanceof Stopped) {
          failure = w.cause();
        }
      }
      List<Future<CommitOutcome>> folds = new ArrayList<>(byDay.size());
      for (List<Written> day : byDay.values()) {
        folds.add(writes.run(() -> fold(day)).onSuccess(committed::accept));
      }
      Throwable groupFailure = failure;
      return Future.join(folds).transform(done -> {
        if (groupFailure != null) {
          return Future.failedFuture(groupFailure);
        }
        if (done.failed()) {
          for (Future<CommitOutcome> fold : folds) {
            if (fold.failed()) {
              return Future.failedFuture(fold.cause());
            }
          }
        }
        CommitOutcome outcome = CommitOutcome.NOTHING;
        for (Future<CommitOutcome> fold : folds) {
          outcome = outcome.plus(fold.result());
        }
        return Future.succeededFuture(outcome);
      });
    });
  }

  /** How a group ends that was not started because another of the commit had failed. */
  private static final class Stopped extends RuntimeException {
    Stopped() {
      super("another write of the commit failed", null, false, false);
    }
  }

  // ---- pages

  /**
   * A put that finds its page taken is billed all the same, as large as the page found. So the
   * partition is read first when a put is likely to find one, which costs a fifth as much per unit:
   * when it is not held yet, when another writer came first last time, and before a page of more
   * than {@value #SMALL_PAGE} messages (over 1 KB: a conflict would cost as many units).
   */
  private Future<Written> write(Group group, String token) {
    Partition p = partitions.get(group.partition(), Partition::new);
    return p.queue(() -> {
      boolean readFirst = !p.loaded || p.contended || group.records().size() > SMALL_PAGE;
      long known = p.version;
      return (readFirst ? catchUp(p, token, new HashSet<>(), 0) : Future.<Void>succeededFuture()).compose(read -> {
        if (p.loaded && p.version == known) {
          p.contended = false; // nobody else wrote since: next time, put straight away
        }
        p.loaded = true;
        return writeFresh(p, group, token, new HashSet<>(), 0);
      });
    }).onComplete(done -> partitions.put(p.key, p)); // weighed again, now that it holds more ids
  }

  /** Messages that fit in a page of 1 KB (about 70 bytes each). */
  static final int SMALL_PAGE = 14;

  /**
   * Writes the group's messages not yet in a page, as page after page. {@code ours} collects the
   * ids this group counted, including pages of its own found written by a retry.
   */
  private Future<Written> writeFresh(Partition p, Group group, String token, Set<String> ours, int tries) {
    List<Page.Entry> fresh = new ArrayList<>();
    Set<String> inPage = new HashSet<>();
    int chars = 0;
    for (ArchivedRecord r : group.records()) {
      String id = r.record().messageId();
      if (p.ids.contains(id) || !inPage.add(id)) {
        continue;
      }
      chars += Page.entryChars(id);
      if (chars > Page.MAX_ENTRY_CHARS && !fresh.isEmpty()) {
        break; // the rest goes into the next page
      }
      fresh.add(new Page.Entry(id, r.record().eventTime(), r.location().objectKey(), r.location().offset(),
          r.location().length(), r.record().bytes()));
    }
    if (fresh.isEmpty()) {
      return Future.succeededFuture(written(p, group, ours));
    }
    long bytes = 0;
    for (Page.Entry e : fresh) {
      bytes += e.bytes();
    }
    Page page = new Page(p.key, p.version + 1, token, fresh, p.cumBytes + bytes,
        p.cumMessages + fresh.size());
    long expiresAt = clock.instant().getEpochSecond() + ttlSeconds;
    return Future.fromCompletionStage(dynamo.putItem(put -> put.tableName(ledgerTable).item(page.item(expiresAt))
            .conditionExpression("attribute_not_exists(#pk)")
            .expressionAttributeNames(Map.of("#pk", Page.PARTITION))
            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)), context)
        .transform(done -> {
          if (done.succeeded()) {
            observer.consumed(units(done.result().consumedCapacity()));
            p.apply(page);
            observer.pageWritten();
            fresh.forEach(e -> ours.add(e.messageId()));
            return writeFresh(p, group, token, ours, 0);
          }
          Throwable cause = AwsErrors.unwrap(done.cause());
          if (cause instanceof ConditionalCheckFailedException) {
            // Another writer has page v + 1, or an earlier try of this one did: read on from there.
            observer.conflict("page_exists");
            p.contended = true;
            long known = p.version;
            return catchUp(p, token, ours, 0).compose(read -> {
              if (p.version > known) {
                // Pages were found: the next put is up to date, and waiting would only hold back
                // this partition's later writes. Someone made progress, so this cannot spin idle.
                return writeFresh(p, group, token, ours, 0);
              }
              // Refused, yet nothing new to read (a refusal without cause): retry, then back off.
              return tries < 3 ? writeFresh(p, group, token, ours, tries + 1)
                  : later(tries, () -> writeFresh(p, group, token, ours, tries + 1), cause);
            });
          }
          if (AwsErrors.isTransient(cause)) {
            // Perhaps written: the identical page is sent again, and found if it was.
            return later(tries, () -> writeFresh(p, group, token, ours, tries + 1), cause);
          }
          return Future.failedFuture(cause);
        });
  }

  private Written written(Partition p, Group group, Set<String> ours) {
    Split split = split(group.records(), ours);
    return new Written(group, split.counted(), split.duplicates(),
        new DayCounters.Hour(group.hour(), p.version, p.cumBytes, p.cumMessages));
  }

  /** A commit's records, counted or recognised as duplicates. */
  record Split(List<ArchivedRecord> counted, List<ArchivedRecord> duplicates) {
  }

  /**
   * The exactly-once rule: a record is counted when a page this commit wrote holds its id
   * ({@code ours}), and only its first copy in the commit; every other record is a duplicate:
   * counted before (by another instance, an earlier delivery, or a try of this commit that was
   * found written) or a second copy within the batch.
   */
  static Split split(List<ArchivedRecord> records, Set<String> ours) {
    List<ArchivedRecord> counted = new ArrayList<>();
    List<ArchivedRecord> duplicates = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ArchivedRecord r : records) {
      String id = r.record().messageId();
      if (seen.add(id) && ours.contains(id)) {
        counted.add(r);
      } else {
        duplicates.add(r);
      }
    }
    return new Split(counted, duplicates);
  }

  /**
   * Reads the partition's pages after the ones known, strongly consistent, and takes them in; the
   * pages {@code token} wrote are this group's.
   */
  private Future<Void> catchUp(Partition p, String token, Set<String> ours, int tries) {
    QueryRequest query = QueryRequest.builder().tableName(ledgerTable)
        .keyConditionExpression("#pk = :pk AND #sk > :v")
        .expressionAttributeNames(Map.of("#pk", Page.PARTITION, "#sk", Page.VERSION))
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(p.key),
            ":v", AttributeValue.fromN(Long.toString(p.version))))
        .consistentRead(true)
        .build();
    return Future.fromCompletionStage(Queries.all(dynamo, query), context).transform(done -> {
      if (done.failed()) {
        Throwable cause = AwsErrors.unwrap(done.cause());
        return AwsErrors.isTransient(cause)
            ? later(tries, () -> catchUp(p, token, ours, tries + 1), cause)
            : Future.failedFuture(cause);
      }
      for (Map<String, AttributeValue> item : done.result()) {
        Page page = Page.of(item);
        if (!p.loaded && p.version == 0 && page.version() > 1) {
          // The partition's first pages have expired (TTL): start from the oldest left.
          p.version = page.version() - 1;
          p.cumBytes = page.cumBytes() - page.bytes();
          p.cumMessages = page.cumMessages() - page.entries().size();
        }
        p.apply(page);
        if (page.writer().equals(token)) {
          page.entries().forEach(e -> ours.add(e.messageId()));
        }
      }
      return Future.succeededFuture();
    });
  }

  // ---- days

  /** Brings the day's usage item up to the partitions written, then says what was counted. */
  private Future<CommitOutcome> fold(List<Written> day) {
    Written first = day.get(0);
    String account = first.group().accountId();
    LocalDate date = first.group().day();
    List<DayCounters.Hour> due = new ArrayList<>();
    for (DayCounters.Hour hour : DayCounters.newest(day.stream().map(Written::hour).toList())) {
      Partition p = partitions.getIfPresent(Page.partition(account, hour.hour()));
      if (p == null || p.folded < hour.version()) {
        due.add(hour);
      }
    }
    return foldDue(account, date, due, 0).map(folded -> {
      for (DayCounters.Hour hour : due) {
        Partition p = partitions.getIfPresent(Page.partition(account, hour.hour()));
        if (p != null) {
          p.folded = Math.max(p.folded, hour.version());
        }
      }
      List<ArchivedRecord> counted = new ArrayList<>();
      List<ArchivedRecord> duplicates = new ArrayList<>();
      long bytes = 0;
      for (Written w : day) {
        counted.addAll(w.counted());
        duplicates.addAll(w.duplicates());
      }
      for (ArchivedRecord r : counted) {
        bytes += r.record().bytes();
      }
      List<CounterDelta> deltas = counted.isEmpty() ? List.of() : List.of(
          new CounterDelta(account, null, bytes, counted.size()),
          new CounterDelta(account, date, bytes, counted.size()));
      // The capacity consumed is reported to the observer as DynamoDB answers, not per commit.
      return new CommitOutcome(counted, deltas, duplicates, 0);
    });
  }

  private Future<Void> foldDue(String account, LocalDate date, List<DayCounters.Hour> due, int tries) {
    if (due.isEmpty()) {
      return Future.succeededFuture();
    }
    return days.advance(account, date, due).transform(done -> {
      if (done.succeeded()) {
        DayCounters.Advanced advanced = done.result();
        if (advanced.updated()) {
          observer.dayUpdated();
        }
        if (!advanced.behind().isEmpty()) {
          observer.conflict("day_ahead");
        }
        // Hours another writer had moved further are done; any still behind is tried again.
        return advanced.behind().isEmpty() ? Future.succeededFuture()
            : foldDue(account, date, advanced.behind(), tries + 1);
      }
      Throwable cause = AwsErrors.unwrap(done.cause());
      return AwsErrors.isTransient(cause)
          ? later(tries, () -> foldDue(account, date, due, tries + 1), cause)
          : Future.failedFuture(cause);
    });
  }

  private <T> Future<T> later(int attempt, Supplier<Future<T>> next, Throwable cause) {
    if (!retry.keepTrying()) {
      return Future.failedFuture(cause);
    }
    log.warn("ledger write failed ({}); retrying", AwsErrors.code(cause));
    return Future.future(promise -> retry.later(attempt, () -> next.get().onComplete(promise)));
  }

  static double units(ConsumedCapacity consumed) {
    return consumed == null || consumed.capacityUnits() == null ? 0 : consumed.capacityUnits();
  }
}
