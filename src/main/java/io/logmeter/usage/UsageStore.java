package io.logmeter.usage;

import io.logmeter.ledger.CounterKeys;
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
public final class UsageStore {

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public UsageStore(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

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
    return queryAll(query, null, new ArrayList<>()).thenApply(ShardSums::total);
  }

  /** Usage per day from {@code from} to {@code to} inclusive; days without usage are absent. */
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
    return queryAll(query, null, new ArrayList<>()).thenApply(ShardSums::daily);
  }

  private static Map<String, String> names() {
    return Map.of("#pk", CounterKeys.PARTITION, "#sk", CounterKeys.SORT);
  }

  private CompletableFuture<List<CounterItem>> queryAll(QueryRequest query, Map<String, AttributeValue> start,
      List<CounterItem> items) {
    QueryRequest page = start == null ? query : query.toBuilder().exclusiveStartKey(start).build();
    return dynamo.query(page).thenCompose(response -> {
      for (Map<String, AttributeValue> item : response.items()) {
        Usage usage = CounterKeys.usageOf(item);
        items.add(new CounterItem(item.get(CounterKeys.SORT).s(), usage.bytes(), usage.messages()));
      }
      if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
        return queryAll(query, response.lastEvaluatedKey(), items);
      }
      return CompletableFuture.completedFuture(items);
    });
  }
}
