package io.logmeter.fold;

import io.logmeter.ledger.DayCounters;
import io.logmeter.ledger.PackedEntries;
import io.logmeter.ledger.Page;
import io.logmeter.ledger.Queries;
import io.logmeter.retry.AwsErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * Writes one account's hour, once the fold is done with it: its messages as packed pages of the
 * ledger (what the listing of logs, a read by id and a late duplicate find), then the day item's
 * hour up to the newest page, as the pages ledger does. One writer, so the first page is put
 * without a read; found taken (an earlier owner compacted part of the hour, or a late record got
 * there first), the pages are read, the ids already in them dropped, and the rest put after them.
 * Confined to the caller's context.
 */
final class Compactor {

  /** Bytes of packed entries a page holds at most: with the rest, well under DynamoDB's 400 KB item. */
  static final int MAX_PAGE_BYTES = 300_000;

  /** What writing an hour did: the pages put (none when every message was in a page already). */
  record Written(int pages) {
  }

  private final DynamoDbAsyncClient dynamo;
  private final Context context;
  private final String ledgerTable;
  private final DayCounters days;
  private final long ttlSeconds;
  private final Clock clock;

  Compactor(DynamoDbAsyncClient dynamo, Context context, String ledgerTable, DayCounters days, long ttlSeconds,
      Clock clock) {
    this.clock = clock;
    this.dynamo = dynamo;
    this.context = context;
    this.ledgerTable = ledgerTable;
    this.days = days;
    this.ttlSeconds = ttlSeconds;
  }

  Future<Written> write(FoldState.Due due, String writer) {
    String partition = Page.partition(due.accountId(), due.hour());
    return put(partition, writer, due.entries(), 0, 0, 0).recover(failure -> {
      if (!(AwsErrors.unwrap(failure) instanceof ConditionalCheckFailedException)) {
        return Future.failedFuture(failure);
      }
      return pages(partition).compose(existing -> {
        Set<String> counted = new HashSet<>();
        long version = 0;
        long cumBytes = 0;
        long cumMessages = 0;
        for (Page page : existing) {
          page.entries().forEach(e -> counted.add(e.messageId()));
          version = page.version();
          cumBytes = page.cumBytes();
          cumMessages = page.cumMessages();
        }
        PackedEntries fresh = new PackedEntries(due.hour());
        for (Page.Entry e : due.entries().entries()) {
          if (!counted.contains(e.messageId())) {
            fresh.add(e.messageId(), e.eventTime(), e.objectKey(), e.offset(), e.length(), e.bytes());
          }
        }
        return put(partition, writer, fresh, version, cumBytes, cumMessages);
      });
    }).compose(put -> put.version == 0 ? Future.succeededFuture(new Written(0))
        : day(due, put).map(v -> new Written(put.pages)));
  }

  /** The pages put, and the newest page of the partition then: its number and cumulative sums. */
  private record Put(int pages, long version, long cumBytes, long cumMessages) {
  }

  private Future<Put> put(String partition, String writer, PackedEntries entries, long version, long cumBytes,
      long cumMessages) {
    if (entries.size() == 0) {
      return Future.succeededFuture(new Put(0, version, cumBytes, cumMessages));
    }
    List<PackedEntries> chunks = entries.split(MAX_PAGE_BYTES);
    List<Page.Packed> pages = new ArrayList<>(chunks.size());
    long b = cumBytes;
    long n = cumMessages;
    long v = version;
    for (PackedEntries chunk : chunks) {
      b += chunk.bytes();
      n += chunk.size();
      pages.add(new Page.Packed(partition, ++v, writer, chunk, b, n));
    }
    Future<Void> chain = Future.succeededFuture();
    long expiresAt = clock.instant().getEpochSecond() + ttlSeconds;
    for (Page.Packed page : pages) {
      chain = chain.compose(previous -> Future.fromCompletionStage(dynamo.putItem(p -> p.tableName(ledgerTable)
          .item(page.item(expiresAt)).conditionExpression("attribute_not_exists(#pk)")
          .expressionAttributeNames(Map.of("#pk", Page.PARTITION))), context).mapEmpty());
    }
    Page.Packed last = pages.get(pages.size() - 1);
    return chain.map(done -> new Put(pages.size(), last.version(), last.cumBytes(), last.cumMessages()));
  }

  /** The day item's hour moved up to {@code newest}, unless it is there already. */
  private Future<Void> day(FoldState.Due due, Put newest) {
    LocalDate day = LocalDate.ofInstant(due.hour(), ZoneOffset.UTC);
    DayCounters.Hour hour = new DayCounters.Hour(Page.hour(due.hour()), newest.version(), newest.cumBytes(),
        newest.cumMessages());
    return days.advance(due.accountId(), day, List.of(hour)).compose(advanced -> advanced.behind().isEmpty()
        ? Future.succeededFuture()
        : days.advance(due.accountId(), day, advanced.behind()).compose(again -> again.behind().isEmpty()
            ? Future.<Void>succeededFuture()
            : Future.failedFuture(new IllegalStateException("the day of " + due.accountId() + " at " + due.hour()
                + " stays behind"))));
  }

  private Future<List<Page>> pages(String partition) {
    QueryRequest query = QueryRequest.builder().tableName(ledgerTable)
        .keyConditionExpression("#pk = :pk")
        .expressionAttributeNames(Map.of("#pk", Page.PARTITION))
        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(partition)))
        .consistentRead(true)
        .build();
    return Future.fromCompletionStage(Queries.all(dynamo, query), context).map(items -> {
      List<Page> pages = new ArrayList<>(items.size());
      items.forEach(item -> pages.add(Page.of(item)));
      return pages;
    });
  }
}
