package io.logmeter.reconcile;

import io.logmeter.ledger.CounterKeys;
import io.logmeter.usage.CounterItem;
import io.logmeter.usage.ShardSums;
import io.logmeter.usage.Usage;
import io.logmeter.usage.UsageStore;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Reads the daily usage counters of a range of days, summed over their write shards, either for
 * given accounts (one strongly consistent Query each) or for every account (a parallel Scan).
 */
final class CounterScan {

  private static final int CONCURRENT_QUERIES = 16;
  private static final int SCAN_SEGMENTS = 4;

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  CounterScan(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  /** The given accounts' days [from, to] with usage. */
  /** The given accounts' days [from, to] with usage, in the hours before {@code hoursBefore}. */
  SortedMap<AccountDay, Usage> accounts(Collection<String> accounts, LocalDate from, LocalDate to,
      java.time.Instant hoursBefore, LongConsumer progress) throws InterruptedException {
    UsageStore store = new UsageStore(dynamo, table);
    SortedMap<AccountDay, Usage> usage = new TreeMap<>();
    long[] done = new long[1];
    BoundedCalls.run(List.copyOf(accounts), CONCURRENT_QUERIES, account -> store.daily(account, from, to, true, hoursBefore),
        (account, days) -> {
          days.forEach((day, u) -> usage.put(new AccountDay(account, day), u));
          progress.accept(++done[0]);
        });
    return usage;
  }

  /**
   * Every account's days [from, to] with usage. A Scan reads (and is billed for) the whole table,
   * whatever the filter keeps: see docs/reliability.md for its cost and the alternative.
   */
  SortedMap<AccountDay, Usage> everyAccount(LocalDate from, LocalDate to, java.time.Instant hoursBefore,
      LongConsumer progress) throws InterruptedException {
    AtomicLong items = new AtomicLong();
    SortedMap<AccountDay, Usage> usage = new TreeMap<>();
    List<CompletableFuture<Void>> segments = new ArrayList<>();
    for (int segment = 0; segment < SCAN_SEGMENTS; segment++) {
      ScanRequest request = ScanRequest.builder()
          .tableName(table)
          .segment(segment)
          .totalSegments(SCAN_SEGMENTS)
          .consistentRead(true)
          // Total counters (T#…) sort after every day counter (D#…), so the range keeps only days.
          .filterExpression("#sk BETWEEN :from AND :to")
          .expressionAttributeNames(Map.of("#sk", CounterKeys.SORT))
          .expressionAttributeValues(Map.of(":from", AttributeValue.fromS(CounterKeys.firstOfDay(from)),
              ":to", AttributeValue.fromS(CounterKeys.lastOfDay(to))))
          .build();
      segments.add(scan(request, null, page -> {
        items.addAndGet(page.size());
        synchronized (usage) {
          addShards(page, usage, hoursBefore);
        }
      }));
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(segments.toArray(CompletableFuture[]::new));
    while (true) {
      try {
        all.get(200, TimeUnit.MILLISECONDS);
        break;
      } catch (TimeoutException e) {
        progress.accept(items.get());
      } catch (ExecutionException e) {
        throw new IllegalStateException("scan of " + table + " failed: " + e.getCause(), e.getCause());
      }
    }
    progress.accept(items.get());
    synchronized (usage) {
      return usage;
    }
  }

  /** Adds one page of counter shards: a day's shards may be spread over pages and segments. */
  private static void addShards(List<Map<String, AttributeValue>> page, Map<AccountDay, Usage> usage,
      java.time.Instant hoursBefore) {
    Map<String, List<CounterItem>> byAccount = new HashMap<>();
    for (Map<String, AttributeValue> item : page) {
      byAccount.computeIfAbsent(item.get(CounterKeys.PARTITION).s(), a -> new ArrayList<>())
          .add(counterItem(item, hoursBefore));
    }
    byAccount.forEach((account, shards) -> ShardSums.daily(shards).forEach((day, u) ->
        usage.merge(new AccountDay(account, day), u, (a, b) -> a.plus(b.bytes(), b.messages()))));
  }

  private CompletableFuture<Void> scan(ScanRequest request, Map<String, AttributeValue> start,
      Consumer<List<Map<String, AttributeValue>>> pages) {
    ScanRequest page = start == null ? request : request.toBuilder().exclusiveStartKey(start).build();
    return dynamo.scan(page).thenCompose((ScanResponse response) -> {
      pages.accept(response.items());
      if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
        return scan(request, response.lastEvaluatedKey(), pages);
      }
      return CompletableFuture.completedFuture(null);
    });
  }

  private static CounterItem counterItem(Map<String, AttributeValue> item, java.time.Instant hoursBefore) {
    long[] sums = CounterKeys.sumsBefore(item, hoursBefore);
    return new CounterItem(item.get(CounterKeys.SORT).s(), sums[0], sums[1]);
  }
}
