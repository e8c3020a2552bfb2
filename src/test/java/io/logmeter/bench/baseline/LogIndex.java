package io.logmeter.bench.baseline;

import io.logmeter.archive.ArchivedRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * The logs index of the design before pages, kept as the benchmark's baseline (writes only).
 * Each account's messages by event time, newest first, for {@code GET …/logs}. The partition key is
 * {@code <accountId>#<shard>} with the shard a hash of the message id, so a heavy account's writes
 * spread over {@code shards} partitions; a listing queries every shard and merges. The sort key is
 * {@code <eventTime, fixed width>#<messageId>}: chronological, unique, and a page cursor.
 *
 * <p>Written after the commit with plain puts (1 write unit per message), for duplicates too: the
 * put is idempotent, so an index write lost to a crash is made when the redelivery comes.
 */
public final class LogIndex {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final int BATCH = 25;

  private final DynamoDbAsyncClient dynamo;
  private final String table;
  private final int shards;
  private final long ttlSeconds;

  public LogIndex(DynamoDbAsyncClient dynamo, String table, int shards, long ttlSeconds) {
    this.dynamo = dynamo;
    this.table = table;
    this.shards = shards;
    this.ttlSeconds = ttlSeconds;
  }

  public static String partition(String accountId, int shard) {
    return accountId + '#' + shard;
  }

  public static int shardOf(String messageId, int shards) {
    return Math.floorMod(messageId.hashCode(), shards);
  }

  public static String sortKey(Instant eventTime, String messageId) {
    return TIME.format(eventTime) + '#' + messageId;
  }

  /** What a put did: the entries DynamoDB left unprocessed (to be tried again), and the write units used. */
  public record PutResult(List<ArchivedRecord> unprocessed, double writeUnits) {
  }

  /** Puts the entries in batches of 25. */
  public CompletableFuture<PutResult> put(List<ArchivedRecord> records, Instant now) {
    long expiresAt = now.getEpochSecond() + ttlSeconds;
    List<CompletableFuture<PutResult>> batches = new ArrayList<>();
    for (int from = 0; from < records.size(); from += BATCH) {
      List<ArchivedRecord> batch = records.subList(from, Math.min(records.size(), from + BATCH));
      Map<String, ArchivedRecord> byKey = new HashMap<>();
      List<WriteRequest> writes = new ArrayList<>(batch.size());
      for (ArchivedRecord r : batch) {
        Map<String, AttributeValue> item = item(r, expiresAt);
        // The same message twice in one batch (a duplicate) would be rejected: one put suffices.
        if (byKey.putIfAbsent(item.get("pk").s() + item.get("sk").s(), r) == null) {
          writes.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
      }
      batches.add(dynamo.batchWriteItem(b -> b.requestItems(Map.of(table, writes))
          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)).thenApply(response -> {
            List<ArchivedRecord> left = new ArrayList<>();
            for (WriteRequest write : response.unprocessedItems().getOrDefault(table, List.of())) {
              Map<String, AttributeValue> item = write.putRequest().item();
              left.add(byKey.get(item.get("pk").s() + item.get("sk").s()));
            }
            double units = 0;
            for (ConsumedCapacity c : response.consumedCapacity()) {
              units += c.capacityUnits() == null ? 0 : c.capacityUnits();
            }
            return new PutResult(left, units);
          }));
    }
    return CompletableFuture.allOf(batches.toArray(CompletableFuture[]::new)).thenApply(v -> {
      List<ArchivedRecord> left = new ArrayList<>();
      double units = 0;
      for (CompletableFuture<PutResult> batch : batches) {
        left.addAll(batch.join().unprocessed());
        units += batch.join().writeUnits();
      }
      return new PutResult(left, units);
    });
  }

  private Map<String, AttributeValue> item(ArchivedRecord archived, long expiresAt) {
    String id = archived.record().messageId();
    return Map.of(
        "pk", AttributeValue.fromS(partition(archived.record().accountId(), shardOf(id, shards))),
        "sk", AttributeValue.fromS(sortKey(archived.record().eventTime(), id)),
        "bytes", AttributeValue.fromN(Long.toString(archived.record().bytes())),
        "objectKey", AttributeValue.fromS(archived.location().objectKey()),
        "offset", AttributeValue.fromN(Long.toString(archived.location().offset())),
        "length", AttributeValue.fromN(Integer.toString(archived.location().length())),
        "expiresAt", AttributeValue.fromN(Long.toString(expiresAt)));
  }
}
