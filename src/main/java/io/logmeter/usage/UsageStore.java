package io.logmeter.usage;

import io.logmeter.ledger.CounterKeys;
import io.logmeter.ledger.Queries;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Reads the usage counters: one Query over the account's partition returns every day's item, for
 * the total, or those of a range of days. Results stay on the SDK's futures; callers bring them back to
 * their own context.
 */
public final class UsageStore implements UsageReader {

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public UsageStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  @Override
  public CompletableFuture<Usage> total(String accountId, boolean consistent) {
    return total(accountId, consistent, Instant.MAX);
  }

  /** The total of the hours before {@code hoursBefore} (and of every item's plain sums). */
  public CompletableFuture<Usage> total(String accountId, boolean consistent, Instant hoursBefore) {
    QueryRequest query = QueryRequest.builder()
        .tableName(table)
        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
        .expressionAttributeNames(names())
        .expressionAttributeValues(Map.of(
            ":pk", AttributeValue.fromS(accountId),
            ":prefix", AttributeValue.fromS(CounterKeys.DAY_PREFIX)))
        .consistentRead(consistent)
        .build();
    return counters(query, hoursBefore).thenApply(ShardSums::total);
  }

  @Override
  public CompletableFuture<SortedMap<LocalDate, Usage>> daily(String accountId, LocalDate from, LocalDate to,
      boolean consistent) {
    return daily(accountId, from, to, consistent, Instant.MAX);
  }

  /** The days of the hours before {@code hoursBefore} (and of every item's plain sums). */
  public CompletableFuture<SortedMap<LocalDate, Usage>> daily(String accountId, LocalDate from, LocalDate to,
      boolean consistent, Instant hoursBefore) {
    QueryRequest query = QueryRequest.builder()
        .tableName(table)
        .keyConditionExpression("#pk = :pk AND #sk BETWEEN :from AND :to")
        .expressionAttributeNames(names())
        .expressionAttributeValues(Map.of(
            ":pk", AttributeValue.fromS(accountId),
            ":from", AttributeValue.fromS(CounterKeys.firstOfDay(from)),
            ":to", AttributeValue.fromS(CounterKeys.lastOfDay(to))))
        .consistentRead(consistent)
        .build();
    return counters(query, hoursBefore).thenApply(ShardSums::daily);
  }

  @Override
  public UsageExport export(io.vertx.core.Context context) {
    return export(context, this, (from, to) -> new TreeSet<>());
  }

  /**
   * An export whose accounts' days are read by {@code days}, listing also the accounts
   * {@code moreAccounts} names for a range (those the index does not list yet).
   */
  public UsageExport export(io.vertx.core.Context context, UsageReader days,
      BiFunction<LocalDate, LocalDate, NavigableSet<String>> moreAccounts) {
    return new UsageExport(dynamo, table, days, moreAccounts, context, EXPORT_PAGE_KEYS, EXPORT_PARALLEL_READS);
  }

  /** Index keys per month and request, and accounts read at once, of an export. */
  static final int EXPORT_PAGE_KEYS = 1000;
  static final int EXPORT_PARALLEL_READS = 16;

  private static Map<String, String> names() {
    return Map.of("#pk", CounterKeys.PARTITION, "#sk", CounterKeys.SORT);
  }

  /** Every item of {@code query}, with what it counts in the hours before {@code hoursBefore}. */
  private CompletableFuture<List<CounterItem>> counters(QueryRequest query, Instant hoursBefore) {
    return Queries.all(dynamo, query).thenApply(items -> {
      List<CounterItem> counters = new ArrayList<>(items.size());
      for (Map<String, AttributeValue> item : items) {
        long[] sums = CounterKeys.sumsBefore(item, hoursBefore);
        counters.add(new CounterItem(item.get(CounterKeys.SORT).s(), sums[0], sums[1]));
      }
      return counters;
    });
  }

}
