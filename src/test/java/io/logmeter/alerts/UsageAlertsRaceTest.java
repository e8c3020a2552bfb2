package io.logmeter.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack;
import io.logmeter.ledger.CounterDelta;
import io.logmeter.usage.UsageStore;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The alert claim against the local DynamoDB server, many instances at the same moment: each instance is a
 * {@link UsageAlerts} on a context of its own, all told of a crossing at once.
 */
class UsageAlertsRaceTest {

  private static final int INSTANCES = 12;

  private static TestStack stack;
  private static Vertx vertx;
  private static DynamoDbAsyncClient dynamo;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.shared();
    vertx = Vertx.vertx();
    dynamo = TestStack.local(DynamoDbAsyncClient.builder(), stack.dynamodbEndpoint()).build();
  }

  @AfterAll
  static void stop() throws Exception {
    dynamo.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void instancesRacingForOneCrossingPublishItOnce() throws Exception {
    String table = usageTable();
    String account = UUID.randomUUID().toString();
    setTotal(table, account, 150);
    List<String> published = new CopyOnWriteArrayList<>();

    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Void>> told = new ArrayList<>();
    for (int i = 0; i < INSTANCES; i++) {
      Context context = vertx.getOrCreateContext();
      UsageAlerts alerts = instance(table, published, context, new AtomicInteger());
      CompletableFuture<Void> done = new CompletableFuture<>();
      told.add(done);
      new Thread(() -> {
        awaitQuietly(go);
        context.runOnContext(v -> {
          alerts.committed(List.of(new CounterDelta(account, null, 150, 3)));
          done.complete(null);
        });
      }).start();
    }
    go.countDown();
    CompletableFuture.allOf(told.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);

    TestStack.await(Duration.ofSeconds(10), "an alert published", () -> !published.isEmpty());
    TestStack.await(Duration.ofSeconds(10), "the claim marked sent", () -> "sent".equals(alertState(table, account)));
    TestStack.holds(Duration.ofMillis(500), "one alert published, no second", () -> published.size() == 1);
    JsonObject alert = new JsonObject(published.get(0));
    assertThat(alert.getString("alertId")).isEqualTo("usage-" + account + "-100");
    assertThat(alert.getLong("thresholdBytes")).isEqualTo(100);
    assertThat(alert.getLong("totalBytes")).isEqualTo(150);
  }

  @Test
  void aRunningTotalAheadOfTheCountersDoesNotAlert() throws Exception {
    String table = usageTable();
    String account = UUID.randomUUID().toString();
    setTotal(table, account, 60);
    List<String> published = new CopyOnWriteArrayList<>();
    Context context = vertx.getOrCreateContext();
    AtomicInteger reads = new AtomicInteger();
    UsageAlerts alerts = instance(table, published, context, reads);

    // The first commit is read back from the table (60, it is in there). The second reports a
    // delta that the table does not hold: as when a read already held a concurrent commit whose
    // delta then arrives too. The running total (120) says "crossed"; the counters say 60, and
    // the confirming read (the second) finds it so.
    context.runOnContext(v -> alerts.committed(List.of(new CounterDelta(account, null, 60, 1))));
    TestStack.await(Duration.ofSeconds(10), "the running total read", () -> reads.get() == 1);
    Thread.sleep(100);
    context.runOnContext(v -> alerts.committed(List.of(new CounterDelta(account, null, 60, 1))));
    TestStack.await(Duration.ofSeconds(10), "the crossing confirmed or not", () -> reads.get() == 2);
    TestStack.holds(Duration.ofMillis(500), "no alert published", published::isEmpty);
    assertThat(alertState(table, account)).isNull();
  }

  /**
   * Memory is bounded by what is remembered sent, and forgetting costs no second alert: the claim
   * in DynamoDB still refuses it.
   */
  @Test
  void sentCrossingsAreRememberedWithinABoundAndAForgottenOneIsNotSentAgain() throws Exception {
    String table = usageTable();
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      accounts.add(UUID.randomUUID().toString());
      setTotal(table, accounts.get(i), 150);
    }
    List<String> published = new CopyOnWriteArrayList<>();
    Context context = vertx.getOrCreateContext();
    AtomicInteger reads = new AtomicInteger();
    UsageAlerts alerts = instance(table, published, context, reads, 5);

    context.runOnContext(v -> accounts.forEach(a -> alerts.committed(List.of(new CounterDelta(a, null, 150, 3)))));
    TestStack.await(Duration.ofSeconds(20), "every crossing sent", () -> published.size() == 20
        && accounts.stream().allMatch(a -> "sent".equals(alertState(table, a))));
    CompletableFuture<Long> remembered = new CompletableFuture<>();
    context.runOnContext(v -> remembered.complete(alerts.rememberedSent()));
    assertThat(remembered.get(5, TimeUnit.SECONDS)).isLessThanOrEqualTo(5);

    // Every account commits again: the forgotten crossings are claimed again, and refused.
    int readsBefore = reads.get();
    context.runOnContext(v -> accounts.forEach(a -> alerts.committed(List.of(new CounterDelta(a, null, 1, 1)))));
    TestStack.await(Duration.ofSeconds(20), "the forgotten crossings confirmed",
        () -> reads.get() - readsBefore >= 15);
    TestStack.holds(Duration.ofMillis(500), "20 alerts published, none again", () -> published.size() == 20);
  }

  /** One instance's alerts: publishes into {@code published}, counts its consistent reads in {@code reads}. */
  private static UsageAlerts instance(String table, List<String> published, Context context, AtomicInteger reads) {
    return instance(table, published, context, reads, UsageAlerts.REMEMBERED_SENT);
  }

  private static UsageAlerts instance(String table, List<String> published, Context context, AtomicInteger reads,
      long rememberedSent) {
    AlertPublisher publisher = (id, alert) -> {
      published.add(alert);
      return CompletableFuture.completedFuture(null);
    };
    UsageStore store = new UsageStore(dynamo, table);
    return new UsageAlerts(List.of(100L, 1000L), account -> {
      reads.incrementAndGet();
      return store.total(account, true);
    }, dynamo, table, publisher,
        context, Clock.systemUTC(), Duration.ofMinutes(1), Duration.ofMinutes(1), rememberedSent);
  }

  private static String usageTable() throws InterruptedException {
    return stack.createUsageShapedTable("usage-");
  }

  /** The account's counters as the ledger writes them: one day's item, its hour at page 1. */
  private static void setTotal(String table, String account, long bytes) {
    stack.dynamo.putItem(p -> p.tableName(table).item(Map.of("pk", AttributeValue.fromS(account),
        "sk", AttributeValue.fromS("D#2026-11-21"), "h10", AttributeValue.fromM(Map.of(
            "v", AttributeValue.fromN("1"), "b", AttributeValue.fromN(Long.toString(bytes)),
            "n", AttributeValue.fromN("3"))))));
  }

  private static String alertState(String table, String account) {
    AttributeValue state = stack.dynamo.getItem(g -> g.tableName(table).consistentRead(true).key(Map.of(
        "pk", AttributeValue.fromS(account), "sk", AttributeValue.fromS("A#100")))).item().get("alertState");
    return state == null ? null : state.s();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
