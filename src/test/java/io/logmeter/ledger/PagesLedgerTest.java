package io.logmeter.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.logmeter.Records;
import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.logmeter.archive.ArchivedRecord;
import io.logmeter.faults.HttpRelay;
import io.logmeter.logs.IndexEntry;
import io.logmeter.logs.LogIndex;
import io.logmeter.logs.LogPages;
import io.logmeter.retry.Backoff;
import io.logmeter.retry.Retry;
import io.logmeter.usage.Usage;
import io.logmeter.usage.UsageStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The pages ledger against the local DynamoDB server, through the real SDK, in the cases its design makes
 * possible: writers racing for one partition, a crash between a page and its day's item, a page
 * whose reply is lost, a duplicate arriving after its page was written, by an instance that has
 * never seen it, messages either side of midnight, and a page of the packed form among classic ones.
 */
class PagesLedgerTest {

  private static final Instant HOUR = Instant.parse("2026-11-21T10:00:00Z");
  private static TestStack stack;
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.shared();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void writersRacingForTheSamePartitionsCountEachMessageOnce() throws Exception {
    Names names = tables();
    List<String> accounts = accounts(5);
    List<ArchivedRecord> records = records(accounts, 3000, HOUR, new Random(7));
    // Every message reaches two of the three writers, in flushes of 150 in a different order each.
    Random random = new Random(11);
    List<List<ArchivedRecord>> perWriter = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (ArchivedRecord r : records) {
      int skip = random.nextInt(3);
      for (int w = 0; w < 3; w++) {
        if (w != skip) {
          perWriter.get(w).add(r);
        }
      }
    }
    AtomicInteger conflicts = new AtomicInteger();
    try (DynamoDbAsyncClient dynamo = client(stack.dynamodbEndpoint())) {
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        List<ArchivedRecord> mine = perWriter.get(w);
        Collections.shuffle(mine, new Random(w));
        Writer writer = ledger(dynamo, names, "writer-" + w, () -> true, conflicts);
        List<List<ArchivedRecord>> batches = new ArrayList<>();
        for (int from = 0; from < mine.size(); from += 150) {
          batches.add(mine.subList(from, Math.min(mine.size(), from + 150)));
        }
        CompletableFuture<Void> lane = new CompletableFuture<>();
        writer.context().runOnContext(v -> commitAll(writer.ledger(), batches, 0, lane));
        done.add(lane);
      }
      for (CompletableFuture<Void> lane : done) {
        lane.get(2, TimeUnit.MINUTES);
      }
      assertThat(conflicts.get()).as("writers that found another first: the race did happen").isPositive();
      assertExact(dynamo, names, records);
      assertEachIdInOnePage(dynamo, names, records.size());
    }
  }

  @Test
  void aCrashBetweenThePageAndTheDayIsRepairedWhenTheMessagesComeBack() throws Exception {
    Names names = tables();
    List<ArchivedRecord> records = records(accounts(3), 300, HOUR, new Random(3));
    AtomicBoolean refuseUpdates = new AtomicBoolean(true);
    AtomicBoolean keepTrying = new AtomicBoolean(true);
    AtomicInteger refused = new AtomicInteger();
    try (HttpRelay relay = new HttpRelay(stack.dynamodbEndpoint(), (request, body) -> {
          String target = request.getHeader("X-Amz-Target");
          boolean dayWrite = "DynamoDB_20120810.UpdateItem".equals(target);
          if (refuseUpdates.get() && dayWrite) {
            refused.incrementAndGet();
            request.response().setStatusCode(500).end(new JsonObject()
                .put("__type", "com.amazonaws.dynamodb.v20120810#InternalServerError").encode());
            return;
          }
          relay(request, body);
        });
        DynamoDbAsyncClient dynamo = client(stack.dynamodbEndpoint())) {
      relayTarget = relay;
      DynamoDbAsyncClient failing = client(relay.endpoint());
      Writer first = ledger(failing, names, "first", keepTrying::get, new AtomicInteger());
      CompletableFuture<Throwable> outcome = new CompletableFuture<>();
      first.context().runOnContext(v -> first.ledger().commit(records, counted -> { })
          .onComplete(done -> outcome.complete(done.cause())));
      // The pages are written, the days refused and retried.
      TestStack.await(Duration.ofSeconds(20), "the pages written and the day updates refused twice",
          () -> refused.get() >= 2 && pagedCount(dynamo, names) == records.size());
      keepTrying.set(false); // the process dies: its retries end with it
      assertThat(outcome.get(30, TimeUnit.SECONDS)).as("the first commit fails").isNotNull();
      assertThat(pagedIds(dynamo, names)).as("pages written before the crash").hasSize(records.size());
      assertThat(total(dynamo, names, records)).as("counted before the redelivery").isEqualTo(Usage.ZERO);

      // Another instance, which has never seen these messages, receives them again.
      refuseUpdates.set(false);
      Writer second = ledger(dynamo, names, "second", () -> true, new AtomicInteger());
      CommitOutcome again = second.commit(records);
      assertThat(again.committed()).as("nothing is counted twice").isEmpty();
      assertThat(again.duplicates()).hasSize(records.size());
      assertExact(dynamo, names, records);
      failing.close();
    }
  }

  @Test
  void aPageWhoseReplyWasLostIsFoundAsItsWritersOwn() throws Exception {
    Names names = tables();
    List<ArchivedRecord> records = records(accounts(1), 200, HOUR, new Random(5));
    AtomicInteger lost = new AtomicInteger();
    try (HttpRelay relay = new HttpRelay(stack.dynamodbEndpoint(), (request, body) -> {
          boolean put = "DynamoDB_20120810.PutItem".equals(request.getHeader("X-Amz-Target"));
          relayTarget.forward(request, body, put && lost.getAndIncrement() == 0);
        });
        DynamoDbAsyncClient dynamo = client(stack.dynamodbEndpoint());
        DynamoDbAsyncClient lossy = client(relay.endpoint())) {
      relayTarget = relay;
      Writer writer = ledger(lossy, names, "lossy", () -> true, new AtomicInteger());
      CommitOutcome outcome = writer.commit(records);
      assertThat(lost.get()).as("puts sent: the lost one and its retry").isGreaterThanOrEqualTo(2);
      assertThat(outcome.committed()).as("counted by this commit, though its reply was lost").hasSize(200);
      assertThat(outcome.duplicates()).isEmpty();
      assertExact(dynamo, names, records);
    }
  }

  @Test
  void aDayWriteRefusedWithoutCauseIsReadBackAndWrittenNotTakenOnTrust() throws Exception {
    Names names = tables();
    List<ArchivedRecord> records = records(accounts(1), 100, HOUR, new Random(13));
    AtomicInteger refused = new AtomicInteger();
    try (HttpRelay relay = new HttpRelay(stack.dynamodbEndpoint(), (request, body) -> {
          boolean dayWrite = "DynamoDB_20120810.UpdateItem".equals(request.getHeader("X-Amz-Target"));
          if (dayWrite && refused.getAndIncrement() == 1) {
            // Refused as if its condition were false, though nothing moved the day.
            request.response().setStatusCode(400).putHeader("Content-Type", "application/x-amz-json-1.0")
                .end(new JsonObject().put("__type", "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException")
                    .put("message", "The conditional request failed").encode());
            return;
          }
          relayTarget.forward(request, body, false);
        });
        DynamoDbAsyncClient dynamo = client(stack.dynamodbEndpoint());
        DynamoDbAsyncClient refusing = client(relay.endpoint())) {
      relayTarget = relay;
      Writer writer = ledger(refusing, names, "w", () -> true, new AtomicInteger());
      writer.commit(records.subList(0, 50)); // creates the day item
      CommitOutcome second = writer.commit(records.subList(50, 100)); // its day write, refused once
      assertThat(refused.get()).as("day writes: the first commit's, then the second's refused and tried again")
          .isGreaterThanOrEqualTo(3);
      assertThat(second.committed()).hasSize(50);
      assertExact(dynamo, names, records);
    }
  }

  @Test
  void aDuplicateAfterItsPageIsRecognisedByAnyInstanceAndDaysSplitAtMidnight() throws Exception {
    Names names = tables();
    List<String> accounts = accounts(4);
    // Either side of midnight: two days, two hours.
    List<ArchivedRecord> records = records(accounts, 400, Instant.parse("2026-11-21T23:59:30Z"), new Random(9));
    try (DynamoDbAsyncClient dynamo = client(stack.dynamodbEndpoint())) {
      Writer first = ledger(dynamo, names, "a", () -> true, new AtomicInteger());
      CommitOutcome one = first.commit(records.subList(0, 300));
      assertThat(one.committed()).hasSize(300);

      List<ArchivedRecord> mixed = new ArrayList<>(records.subList(200, 400)); // 100 seen, 100 new
      Writer stranger = ledger(dynamo, names, "b", () -> true, new AtomicInteger());
      CommitOutcome two = stranger.commit(mixed);
      assertThat(two.committed()).hasSize(100);
      assertThat(two.duplicates()).hasSize(100);
      CommitOutcome three = first.commit(records.subList(250, 400));
      assertThat(three.committed()).isEmpty();
      assertThat(three.duplicates()).hasSize(150);
      assertExact(dynamo, names, records);

      Map<LocalDate, Usage> expected = new HashMap<>();
      for (ArchivedRecord r : records) {
        expected.merge(r.record().day(), new Usage(r.record().bytes(), 1), (a, b) -> a.plus(b.bytes(), b.messages()));
      }
      assertThat(expected).hasSize(2);
      Map<LocalDate, Usage> read = new HashMap<>();
      UsageStore store = new UsageStore(dynamo, names.usage());
      for (String account : accounts) {
        store.daily(account, LocalDate.parse("2026-11-21"), LocalDate.parse("2026-11-22"), true)
            .get(10, TimeUnit.SECONDS).forEach((day, u) -> read.merge(day, u, (a, b) -> a.plus(b.bytes(), b.messages())));
      }
      assertThat(read).isEqualTo(expected);
    }
  }

  @Test
  void aPackedPageIsReadLikeAClassicOneByTheWriterAndTheLogListing() throws Exception {
    Names names = tables();
    String account = UUID.randomUUID().toString();
    String partition = Page.partition(account, HOUR);
    List<ArchivedRecord> records = List.of(
        Records.record(UUID.randomUUID().toString()).account(account).at(HOUR.plusSeconds(1)).bytes(10)
            .in("raw/dt=2026-11-21/hr=10/20261121T100001000Z-0a1b2c3d-000001.ndjson", 0, 300).archived(),
        Records.record("not-a-uuid").account(account).at(HOUR.plusSeconds(2)).bytes(20)
            .in("elsewhere/b.ndjson", 5_000_000_000L, 400).archived(),
        Records.record(UUID.randomUUID().toString()).account(account).at(HOUR.plusSeconds(3)).bytes(40)
            .in("raw/c", 700, 500).archived());
    PackedEntries packed = new PackedEntries(HOUR);
    for (ArchivedRecord r : records.subList(0, 2)) {
      packed.add(r.record().messageId(), r.record().eventTime(), r.location().objectKey(), r.location().offset(),
          r.location().length(), r.record().bytes());
    }
    try (DynamoDbAsyncClient dynamo = client(stack.dynamodbEndpoint())) {
      dynamo.putItem(put -> put.tableName(names.ledger())
          .item(new Page.Packed(partition, 1, "fold/1", packed, 30, 2).item(Instant.now().getEpochSecond() + 3600)))
          .get(10, TimeUnit.SECONDS);

      // A redelivery of a message the packed page holds is a duplicate; the next page sums on from it.
      CommitOutcome outcome = ledger(dynamo, names, "a", () -> true, new AtomicInteger())
          .commit(List.of(records.get(1), records.get(2)));

      assertThat(outcome.committed()).containsExactly(records.get(2));
      assertThat(outcome.duplicates()).containsExactly(records.get(1));
      assertExact(dynamo, names, records);
      LogIndex.Listing listing = new LogPages(dynamo, names.ledger(), names.usage()).recent(account, 10, null)
          .get(10, TimeUnit.SECONDS);
      assertThat(listing.entries()).extracting(IndexEntry::messageId, IndexEntry::location).containsExactly(
          tuple(records.get(2).record().messageId(), records.get(2).location()),
          tuple(records.get(1).record().messageId(), records.get(1).location()),
          tuple(records.get(0).record().messageId(), records.get(0).location()));
    }
  }

  // ---- helpers

  private static HttpRelay relayTarget;

  private static void relay(io.vertx.core.http.HttpServerRequest request, io.vertx.core.buffer.Buffer body) {
    relayTarget.forward(request, body, false);
  }

  private static Names tables() throws Exception {
    Names names = Names.fresh();
    int port = TestStack.freePort();
    stack.stop(stack.start(stack.config(names, port))); // creates the tables
    return names;
  }

  /** A ledger and the context it runs on. */
  private record Writer(UsageLedger ledger, Context context) {

    CommitOutcome commit(List<ArchivedRecord> records) throws Exception {
      CompletableFuture<CommitOutcome> result = new CompletableFuture<>();
      context.runOnContext(v -> ledger.commit(records, counted -> { }).onComplete(done -> {
        if (done.succeeded()) {
          result.complete(done.result());
        } else {
          result.completeExceptionally(done.cause());
        }
      }));
      return result.get(60, TimeUnit.SECONDS);
    }
  }

  private static Writer ledger(DynamoDbAsyncClient dynamo, Names names, String writer,
      java.util.function.BooleanSupplier keepTrying, AtomicInteger conflicts) {
    Context context = vertx.getOrCreateContext();
    Retry retry = new Retry(vertx, new Backoff(10, 100), keepTrying);
    return new Writer(new UsageLedger(dynamo, context, retry, names.ledger(), names.usage(), 3600, 8, 64L << 20,
        Clock.systemUTC(), writer, new UsageLedger.Observer() {
          @Override
          public void conflict(String reason) {
            conflicts.incrementAndGet();
          }
        }), context);
  }

  private static void commitAll(UsageLedger ledger, List<List<ArchivedRecord>> batches, int at,
      CompletableFuture<Void> done) {
    if (at == batches.size()) {
      done.complete(null);
      return;
    }
    ledger.commit(batches.get(at), counted -> { }).onComplete(r -> {
      if (r.failed()) {
        done.completeExceptionally(r.cause());
      } else {
        commitAll(ledger, batches, at + 1, done);
      }
    });
  }

  private static List<String> accounts(int n) {
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      accounts.add(UUID.randomUUID().toString());
    }
    return accounts;
  }

  /** {@code n} messages over the accounts, one every 200 ms from {@code from}. */
  private static List<ArchivedRecord> records(List<String> accounts, int n, Instant from, Random random) {
    List<ArchivedRecord> records = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String account = accounts.get(random.nextInt(accounts.size()));
      records.add(Records.record(UUID.randomUUID().toString()).account(account).at(from.plusMillis(i * 200L))
          .bytes(1 + random.nextInt(500)).in("raw/test", i * 600L, 600).archived());
    }
    return records;
  }

  private static Usage total(DynamoDbAsyncClient dynamo, Names names, List<ArchivedRecord> records) throws Exception {
    UsageStore store = new UsageStore(dynamo, names.usage());
    Usage sum = Usage.ZERO;
    for (String account : records.stream().map(r -> r.record().accountId()).distinct().toList()) {
      Usage u = store.total(account, true).get(10, TimeUnit.SECONDS);
      sum = sum.plus(u.bytes(), u.messages());
    }
    return sum;
  }

  private static void assertExact(DynamoDbAsyncClient dynamo, Names names, List<ArchivedRecord> records)
      throws Exception {
    UsageStore store = new UsageStore(dynamo, names.usage());
    Map<String, Usage> expected = new HashMap<>();
    for (ArchivedRecord r : records) {
      expected.merge(r.record().accountId(), new Usage(r.record().bytes(), 1), (a, b) -> a.plus(b.bytes(), b.messages()));
    }
    for (Map.Entry<String, Usage> account : expected.entrySet()) {
      assertThat(store.total(account.getKey(), true).get(10, TimeUnit.SECONDS)).as("usage of %s", account.getKey())
          .isEqualTo(account.getValue());
    }
  }

  private static void assertEachIdInOnePage(DynamoDbAsyncClient dynamo, Names names, int expected) throws Exception {
    List<String> ids = pagedIds(dynamo, names);
    assertThat(ids).hasSize(expected).doesNotHaveDuplicates();
  }

  private static int pagedCount(DynamoDbAsyncClient dynamo, Names names) {
    try {
      return pagedIds(dynamo, names).size();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> pagedIds(DynamoDbAsyncClient dynamo, Names names) throws Exception {
    List<String> ids = new ArrayList<>();
    Map<String, AttributeValue> start = null;
    do {
      Map<String, AttributeValue> from = start;
      var response = dynamo.scan(s -> {
        s.tableName(names.ledger()).consistentRead(true);
        if (from != null) {
          s.exclusiveStartKey(from);
        }
      }).get(30, TimeUnit.SECONDS);
      for (Map<String, AttributeValue> item : response.items()) {
        Page.of(item).entries().forEach(e -> ids.add(e.messageId()));
      }
      start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey()
          : null;
    } while (start != null);
    return ids;
  }

  private static DynamoDbAsyncClient client(String endpoint) {
    return TestStack.local(DynamoDbAsyncClient.builder(), endpoint).build();
  }
}
