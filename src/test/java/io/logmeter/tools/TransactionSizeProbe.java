package io.logmeter.tools;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/** How TransactWriteItems latency grows with the number of actions: {@code TransactionSizeProbe <endpoint>}. */
public final class TransactionSizeProbe {

  public static void main(String[] args) {
    try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(URI.create(args[0])).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("p", "p"))).build()) {
      for (int size : new int[] {10, 25, 50, 100, 10, 25, 50, 100}) {
        long started = System.nanoTime();
        int rounds = 20;
        for (int r = 0; r < rounds; r++) {
          List<TransactWriteItem> items = new ArrayList<>();
          for (int i = 0; i < size - 2; i++) {
            items.add(TransactWriteItem.builder().put(p -> p.tableName("logmeter-ledger")
                .item(Map.of("id", AttributeValue.fromS(UUID.randomUUID().toString()), "bytes", AttributeValue.fromN("5")))
                .conditionExpression("attribute_not_exists(id)")).build());
          }
          for (String sk : new String[] {"T#1", "D#2026-11-22#1"}) {
            items.add(TransactWriteItem.builder().update(u -> u.tableName("logmeter-usage")
                .key(Map.of("pk", AttributeValue.fromS("probe"), "sk", AttributeValue.fromS(sk)))
                .updateExpression("ADD bytes :b").expressionAttributeValues(Map.of(":b", AttributeValue.fromN("1"))))
                .build());
          }
          dynamo.transactWriteItems(t -> t.transactItems(items));
        }
        System.out.printf("%3d actions: %6.1f ms per transaction%n", size, (System.nanoTime() - started) / 1e6 / rounds);
      }
    }
  }
}
