package io.logmeter.usage;

import io.logmeter.ledger.CounterKeys;
import io.logmeter.ledger.Queries;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
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
    QueryRequest query = QueryRequest.builder()
        .tableName(table)
        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :prefix)")
        .expressionAttributeNames(names())
        .expressionAttributeValues(Map.of(
            ":pk", AttributeValue.fromS(accountId),
            ":prefix", AttributeValue.fromS(CounterKeys.DAY_PREFIX)))
        .consistentRead(consistent)
        .build();
    return counters(query).thenApply(ShardSums::total);
  }

  @Override
  public CompletableFuture<SortedMap<LocalDate, Usage>> daily(String accountId, LocalDate from, LocalDate to,
      boolean consistent) {
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
    return counters(query).thenApply(ShardSums::daily);
  }

  @Override
  public UsageExport export(io.vertx.core.Context context) {
    return new UsageExport(dynamo, table, this, context, EXPORT_PAGE_KEYS, EXPORT_PARALLEL_READS);
  }

  /** Index keys per month and request, and accounts read at once, of an export. */
  static final int EXPORT_PAGE_KEYS = 1000;
  static final int EXPORT_PARALLEL_READS = 16;

  private static Map<String, String> names() {
    return Map.of("#pk", CounterKeys.PARTITION, "#sk", CounterKeys.SORT);
  }

  /** Every item of {@code query}, with what it counts. */
  private CompletableFuture<List<CounterItem>> counters(QueryRequest query) {
    return Queries.all(dynamo, query).thenApply(items -> {
      List<CounterItem> counters = new ArrayList<>(items.size());
      for (Map<String, AttributeValue> item : items) {
        counters.add(new CounterItem(item.get(CounterKeys.SORT).s(), CounterKeys.bytesOf(item),
            CounterKeys.messagesOf(item)));
      }
      return counters;
    });
  }

}
