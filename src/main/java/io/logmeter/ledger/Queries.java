package io.logmeter.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** Runs a Query to its end: every page DynamoDB splits the result into, in order. */
public final class Queries {

  private Queries() {
  }

  /** All the items {@code query} matches. The future stays on the SDK's threads. */
  public static CompletableFuture<List<Map<String, AttributeValue>>> all(DynamoDbAsyncClient dynamo,
      QueryRequest query) {
    return from(dynamo, query, null, new ArrayList<>());
  }

  private static CompletableFuture<List<Map<String, AttributeValue>>> from(DynamoDbAsyncClient dynamo,
      QueryRequest query, Map<String, AttributeValue> start, List<Map<String, AttributeValue>> items) {
    QueryRequest request = start == null ? query : query.toBuilder().exclusiveStartKey(start).build();
    return dynamo.query(request).thenCompose((QueryResponse response) -> {
      items.addAll(response.items());
      if (response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()) {
        return from(dynamo, query, response.lastEvaluatedKey(), items);
      }
      return CompletableFuture.completedFuture(items);
    });
  }
}
