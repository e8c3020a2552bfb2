package io.logmeter.ledger;

import io.logmeter.archive.RecordLocation;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Reads ledger items: which account a message was counted for, and where its counted copy lies. */
public final class LedgerEntries {

  /** A counted message: its account and the location of the raw record that was counted. */
  public record Entry(String messageId, String accountId, RecordLocation location) {
  }

  private final DynamoDbAsyncClient dynamo;
  private final String table;

  public LedgerEntries(DynamoDbAsyncClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  public CompletableFuture<Optional<Entry>> find(String messageId) {
    return dynamo.getItem(g -> g.tableName(table).key(Map.of(UsageLedger.ID, AttributeValue.fromS(messageId))))
        .thenApply(response -> {
          if (!response.hasItem() || response.item().isEmpty()) {
            return Optional.empty();
          }
          Map<String, AttributeValue> item = response.item();
          return Optional.of(new Entry(messageId, item.get("accountId").s(), new RecordLocation(
              item.get("objectKey").s(), Long.parseLong(item.get("offset").n()),
              Integer.parseInt(item.get("length").n()))));
        });
  }
}
