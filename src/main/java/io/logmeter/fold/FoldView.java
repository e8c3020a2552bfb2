package io.logmeter.fold;

import io.logmeter.ledger.Page;
import io.logmeter.logs.RecentPages;
import io.logmeter.retry.AwsErrors;
import io.logmeter.usage.Usage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every instance knows of the fold: it follows the head, reads each period it publishes, and
 * keeps the periods' counted deltas per event hour and account. An answer is the compacted usage
 * (the day items' hours before the head's {@code compactedBefore}, read after the head was seen)
 * plus these deltas for the hours from there on; it counts every message the head counts through.
 *
 * <p>Deltas of an hour stay for {@code keep} after compaction passed it, for cached totals loaded
 * before. When the view misses periods (it fell far behind, or started), it reads back only to the
 * periods that may hold hours not compacted, and says so to {@code gap} (the cache forgets what it
 * loaded). Applied on the context that started it; read from any thread.
 */
public final class FoldView implements RecentPages {

  private static final Logger log = LoggerFactory.getLogger(FoldView.class);

  /** How far before {@code compactedBefore} a period may still hold a record of a later hour: clock skew. */
  static final Duration SKEW = Duration.ofMinutes(5);

  /**
   * What the view has applied: the head's period, through when it counts, the first hour not
   * compacted. Before the fold has published, no hour is the fold's: {@code compactedBefore} is the
   * first hour it will count if one was set ({@link FoldHead#start}), else {@link Instant#MAX}, and
   * every hour is read from the day items (the pages ledger's, or none).
   */
  public record Snapshot(long period, Instant countedThrough, Instant compactedBefore) {
    static final Snapshot NONE = new Snapshot(0, Instant.EPOCH, Instant.MAX);
  }

  private final Vertx vertx;
  private final FoldHead head;
  private final PeriodChain chain;
  private final Duration every;
  private final Duration keep;
  private final Runnable gap;
  private final ConcurrentSkipListMap<Instant, ConcurrentHashMap<String, Usage>> deltas = new ConcurrentSkipListMap<>();
  /** The periods that counted each account's messages, by hour: what the listing of logs reads. */
  private final ConcurrentHashMap<String, ConcurrentSkipListMap<Instant, ConcurrentSkipListMap<Long, Long>>> listed =
      new ConcurrentHashMap<>();
  /** When compaction passed each hour still held, on the monotonic clock. */
  private final Map<Instant, Long> passedAt = new HashMap<>();
  private volatile Snapshot snapshot = Snapshot.NONE;
  /** Who waits for a period to be applied, by period. */
  private final TreeMap<Long, List<Promise<Void>>> waiting = new TreeMap<>();
  private boolean polling;
  private long timer = -1;

  public FoldView(Vertx vertx, FoldHead head, PeriodChain chain, Duration every, Duration keep, Runnable gap) {
    this.vertx = vertx;
    this.head = head;
    this.chain = chain;
    this.every = every;
    this.keep = keep;
    this.gap = gap;
  }

  public void start() {
    timer = vertx.setPeriodic(0, every.toMillis(), id -> poll());
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  public Snapshot snapshot() {
    return snapshot;
  }

  /** Reads the head and the periods it names that this view has not applied; completes once applied. */
  public Future<Snapshot> poll() {
    if (polling) {
      return Future.succeededFuture(snapshot);
    }
    polling = true;
    return head.read().compose(read -> {
      Snapshot now = snapshot;
      if (read.period() == 0) {
        // Nothing published yet: only the first hour, if set, is known.
        Instant first = read.compactedBefore().isAfter(Instant.EPOCH) ? read.compactedBefore() : Instant.MAX;
        snapshot = new Snapshot(0, Instant.EPOCH, first);
        return Future.succeededFuture(snapshot);
      }
      if (read.period() <= now.period()) {
        return Future.succeededFuture(now);
      }
      Instant notBefore = read.compactedBefore().minus(SKEW);
      return chain.since(now.period(), notBefore, read).map(periods -> {
        if (periods.isEmpty() || periods.get(0).period() != now.period() + 1) {
          if (now.period() > 0) {
            log.info("fold view skipped from period {} to {}", now.period(),
                periods.isEmpty() ? read.period() : periods.get(0).period());
          }
          gap.run();
        }
        for (FoldPeriod p : periods) {
          apply(p);
        }
        snapshot = new Snapshot(read.period(), read.countedThrough(), read.compactedBefore());
        prune(read.compactedBefore());
        SortedMap<Long, List<Promise<Void>>> reached = waiting.headMap(read.period(), true);
        reached.values().forEach(promises -> promises.forEach(Promise::tryComplete));
        reached.clear();
        return snapshot;
      });
    }).onFailure(failure -> log.warn("fold view could not follow the head ({})", AwsErrors.code(failure)))
        .eventually(() -> {
          polling = false;
          return Future.succeededFuture();
        });
  }

  /** Completes once this view has applied {@code period}: every answer then counts it. Call on the view's context. */
  public Future<Void> reached(long period) {
    if (snapshot.period() >= period) {
      return Future.succeededFuture();
    }
    Promise<Void> promise = Promise.promise();
    waiting.computeIfAbsent(period, p -> new ArrayList<>()).add(promise);
    return promise.future();
  }

  private void apply(FoldPeriod period) {
    for (FoldPeriod.Entries e : period.entries()) {
      listed.computeIfAbsent(e.accountId(), a -> new ConcurrentSkipListMap<>())
          .computeIfAbsent(e.hour(), h -> new ConcurrentSkipListMap<>()).put(period.period(), period.epoch());
    }
    for (FoldState.Tally t : period.counted()) {
      deltas.computeIfAbsent(t.hour(), h -> new ConcurrentHashMap<>())
          .merge(t.accountId(), new Usage(t.bytes(), t.messages()), (a, b) -> a.plus(b.bytes(), b.messages()));
    }
  }

  /** Forgets the deltas of hours compaction passed more than {@code keep} ago. */
  private void prune(Instant compactedBefore) {
    long now = System.nanoTime();
    for (Instant hour : deltas.headMap(compactedBefore).keySet()) {
      passedAt.putIfAbsent(hour, now);
    }
    Iterator<Map.Entry<Instant, Long>> held = passedAt.entrySet().iterator();
    while (held.hasNext()) {
      Map.Entry<Instant, Long> hour = held.next();
      if (now - hour.getValue() > keep.toNanos()) {
        deltas.remove(hour.getKey());
        listed.values().forEach(hours -> hours.remove(hour.getKey()));
        listed.values().removeIf(Map::isEmpty);
        held.remove();
      }
    }
  }

  /** The account's deltas of every hour from {@code from} on. */
  public Usage since(String accountId, Instant from) {
    Usage sum = Usage.ZERO;
    for (Map<String, Usage> hour : deltas.tailMap(from).values()) {
      Usage u = hour.get(accountId);
      if (u != null) {
        sum = sum.plus(u.bytes(), u.messages());
      }
    }
    return sum;
  }

  /** The account's deltas per day, of the hours from {@code from} on that fall within the days asked. */
  public SortedMap<LocalDate, Usage> dailySince(String accountId, Instant from, LocalDate first, LocalDate last) {
    SortedMap<LocalDate, Usage> days = new TreeMap<>();
    for (Map.Entry<Instant, ConcurrentHashMap<String, Usage>> hour : deltas.tailMap(from).entrySet()) {
      LocalDate day = LocalDate.ofInstant(hour.getKey(), ZoneOffset.UTC);
      Usage u = hour.getValue().get(accountId);
      if (u != null && !day.isBefore(first) && !day.isAfter(last)) {
        days.merge(day, u, (a, b) -> a.plus(b.bytes(), b.messages()));
      }
    }
    return days;
  }

  /** Every account with deltas from {@code from} on, and their sums: what an export adds. */
  public Map<String, Usage> allSince(Instant from, LocalDate first, LocalDate last) {
    Map<String, Usage> all = new HashMap<>();
    for (Map.Entry<Instant, ConcurrentHashMap<String, Usage>> hour : deltas.tailMap(from).entrySet()) {
      LocalDate day = LocalDate.ofInstant(hour.getKey(), ZoneOffset.UTC);
      if (day.isBefore(first) || day.isAfter(last)) {
        continue;
      }
      hour.getValue().forEach((account, u) -> all.merge(account, u, (a, b) -> a.plus(b.bytes(), b.messages())));
    }
    return all;
  }

  @Override
  public Instant from() {
    return snapshot.compactedBefore();
  }

  @Override
  public List<String> hours(String accountId) {
    ConcurrentSkipListMap<Instant, ConcurrentSkipListMap<Long, Long>> hours = listed.get(accountId);
    List<String> newestFirst = new ArrayList<>();
    if (hours != null) {
      hours.tailMap(from()).descendingKeySet().forEach(hour -> newestFirst.add(Page.hour(hour)));
    }
    return newestFirst;
  }

  /** A page per period that counted the account's messages of the hour: the period's number, its entries. */
  @Override
  public CompletableFuture<List<Page>> pages(String accountId, String hour, long upTo, int max) {
    Instant start = Instant.parse(hour + ":00:00Z");
    ConcurrentSkipListMap<Instant, ConcurrentSkipListMap<Long, Long>> hours = listed.get(accountId);
    ConcurrentSkipListMap<Long, Long> periods = hours == null ? null : hours.get(start);
    if (periods == null || max <= 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    List<Future<Page>> reads = new ArrayList<>();
    for (Map.Entry<Long, Long> period : periods.headMap(upTo, true).descendingMap().entrySet()) {
      if (reads.size() == max) {
        break;
      }
      reads.add(chain.get(period.getValue(), period.getKey()).map(read -> {
        List<Page.Entry> entries = new ArrayList<>();
        for (FoldPeriod.Entries e : read.entries()) {
          if (e.accountId().equals(accountId) && e.hour().equals(start)) {
            entries.addAll(e.decode());
          }
        }
        return new Page(Page.partition(accountId, hour), read.period(), "fold/" + read.epoch(), entries, 0, 0);
      }));
    }
    return Future.all(reads).map(done -> {
      List<Page> pages = new ArrayList<>(reads.size());
      reads.forEach(read -> pages.add(read.result()));
      return pages;
    }).toCompletionStage().toCompletableFuture();
  }

  /** What a delta holds: an account, an hour, the sums the fold counted in it. */
  @FunctionalInterface
  public interface DeltaSink {
    void accept(String accountId, Instant hour, Usage usage);
  }

  /** Every delta of the hours from {@code from} on. */
  public void forEachSince(Instant from, DeltaSink sink) {
    deltas.tailMap(from).forEach((hour, accounts) -> accounts.forEach((account, u) -> sink.accept(account, hour, u)));
  }

  /**
   * The fold as it stands, read once by a batch job (reconcile), on {@code context}: blocks the
   * calling thread, which must not be an event loop.
   */
  public static FoldView readOnce(Vertx vertx, DynamoDbAsyncClient dynamo, S3AsyncClient s3, String usageTable,
      String bucket) throws Exception {
    io.vertx.core.Context context = vertx.getOrCreateContext();
    FoldView view = new FoldView(vertx, new FoldHead(dynamo, context, usageTable), new PeriodChain(s3, context, bucket),
        Duration.ofDays(1), Duration.ofDays(1), () -> { });
    Promise<Snapshot> read = Promise.promise();
    context.runOnContext(v -> view.poll().onComplete(read));
    read.future().toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.MINUTES);
    return view;
  }

  /** The hours held, and the accounts in them: what this view's memory grows with. */
  public long entries() {
    long held = 0;
    for (Map<String, Usage> hour : deltas.values()) {
      held += hour.size();
    }
    return held;
  }
}
