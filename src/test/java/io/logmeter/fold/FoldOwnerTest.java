package io.logmeter.fold;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.TestStack;
import io.logmeter.TestStack.Names;
import io.logmeter.archive.ArchiveObject;
import io.logmeter.ledger.CounterKeys;
import io.logmeter.ledger.Page;
import io.logmeter.message.LogRecord;
import io.logmeter.server.AwsCallMetrics;
import io.logmeter.server.AwsClients;
import io.logmeter.server.Config;
import io.logmeter.server.Resources;
import io.logmeter.usage.Usage;
import io.logmeter.usage.UsageStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The fold against the real emulators, on a clock the test moves: an owner folds archive objects
 * named by pointers, every reader's totals follow its periods, an hour over is compacted into
 * packed pages and its day item, late records and duplicates after compaction go through the
 * pages, and a second owner taking over rebuilds its ids, so that an object folded again counts
 * nothing twice.
 */
class FoldOwnerTest {

  private static final String A = "6f1c9a52-8a8e-4a53-9d8f-1c2b3a4d5e6f";
  private static final String B = "0b5f3a1e-0000-4000-8000-000000000002";
  private static final LocalDate DAY = LocalDate.parse("2026-11-21");

  private static TestStack stack;
  private Vertx vertx;
  private JsonObject settings;
  private Config config;
  private AwsClients aws;
  private ShiftedClock clock;
  private FoldView view;
  private FoldUsage usage;
  private int objects;

  @BeforeAll
  static void emulators() throws Exception {
    stack = TestStack.shared();
  }

  @BeforeEach
  void start() throws Exception {
    Names names = Names.fresh();
    settings = stack.config(names, TestStack.freePort()).put("ledger", "fold")
        .put("foldQueueName", names.queue() + "-fold").put("foldPeriodMillis", 200).put("foldLeaseSeconds", 6);
    config = Config.from(Config.defaults().mergeIn(settings.copy()));
    vertx = Vertx.vertx();
    aws = AwsClients.create(config, vertx, new AwsCallMetrics(new SimpleMeterRegistry()));
    Resources.create(aws, config).get(30, TimeUnit.SECONDS);
    stack.awaitTableActive(config.stack().usageTable());
    stack.awaitTableActive(config.stack().ledgerTable());
    clock = new ShiftedClock(Instant.parse("2026-11-21T10:20:00Z"));
    Context context = vertx.getOrCreateContext();
    view = new FoldView(vertx, new FoldHead(aws.dynamo(), context, config.stack().usageTable()),
        new PeriodChain(aws.s3(), context, config.stack().bucket()), Duration.ofMillis(100), Duration.ofMinutes(1),
        () -> { });
    context.runOnContext(v -> view.start());
    usage = new FoldUsage(new UsageStore(aws.dynamo(), config.stack().usageTable()), view);
  }

  @AfterEach
  void stop() throws Exception {
    view.stop();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    aws.close();
  }

  @Test
  void foldsCompactsTakesLateRecordsAndRebuildsAfterATakeOver() throws Exception {
    String first = deploy();
    String obj1 = archive(record("m-1", A, "10:05", 100), record("m-2", A, "10:06", 50), record("m-3", B, "10:30", 7));
    String obj2 = archive(record("m-2", A, "10:06", 50), record("m-4", B, "10:31", 3),
        record("m-0", A, "09:50", 11)); // m-2 again; m-0 of an hour before the fold began: late
    Instant sent = clock.instant();
    point(obj1, obj2);
    awaitTotal(A, 161, 3);
    awaitTotal(B, 10, 2);
    TestStack.await(Duration.ofSeconds(20), "countedThrough past the pointers' sending",
        () -> !view.snapshot().countedThrough().isBefore(sent));
    assertThat(view.snapshot().compactedBefore()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));

    // The hour is over for its margin: its accounts are written, and the totals come from the items.
    clock.set(Instant.parse("2026-11-21T11:15:00Z"));
    TestStack.await(Duration.ofSeconds(20), "hour 10 compacted",
        () -> view.snapshot().compactedBefore().equals(Instant.parse("2026-11-21T11:00:00Z")));
    assertThat(total(A)).isEqualTo(new Usage(161, 3));
    assertThat(new UsageStore(aws.dynamo(), config.stack().usageTable()).total(A, true).get())
        .as("the day item alone").isEqualTo(new Usage(161, 3));
    List<Page> tenOfA = pages(A, "2026-11-21T10");
    assertThat(tenOfA).hasSize(1);
    assertThat(tenOfA.get(0).entries()).extracting(Page.Entry::messageId).containsExactlyInAnyOrder("m-1", "m-2");
    assertThat(tenOfA.get(0).entries()).extracting(Page.Entry::objectKey).containsOnly(obj1);
    assertThat(hour(A, 10)).containsEntry("b", AttributeValue.fromN("150")).containsEntry("n", AttributeValue.fromN("2"));

    // A duplicate after compaction and a late record of the compacted hour: checked against its pages.
    String obj3 = archive(record("m-1", A, "10:05", 100), record("m-5", A, "10:40", 20));
    point(obj3);
    awaitTotal(A, 181, 4);
    assertThat(pages(A, "2026-11-21T10")).hasSize(2);
    assertThat(pages(A, "2026-11-21T10").get(1).entries()).extracting(Page.Entry::messageId).containsExactly("m-5");

    // The owner stops (a drain): a second one takes the next epoch and rebuilds its ids.
    undeploy(first);
    clock.set(Instant.parse("2026-11-21T11:25:00Z"));
    deploy();
    String obj4 = archive(record("m-6", A, "11:20", 9), record("m-7", B, "11:21", 1));
    point(obj4, obj1, obj3); // obj1 and obj3 folded again: a pointer redelivered, an object archived twice
    awaitTotal(A, 190, 5);
    awaitTotal(B, 11, 3);
    Instant beforeRelease = view.snapshot().countedThrough();
    clock.set(clock.instant().plusSeconds(FoldOwner.pointerVisibilitySeconds(config.fold()) + 1));
    TestStack.await(Duration.ofSeconds(20), "countedThrough moving again after a visibility timeout",
        () -> view.snapshot().countedThrough().isAfter(beforeRelease));
    String obj5 = archive(record("m-6", A, "11:20", 9));
    point(obj5, obj4);
    TestStack.holds(Duration.ofSeconds(2), "nothing counted twice", () -> total(A).equals(new Usage(190, 5)));
    assertThat(usage.daily(A, DAY, DAY, false).get()).containsExactly(Map.entry(DAY, new Usage(190, 5)));
  }

  @Test
  void aBacklogOfAnEndedHourMeetingAnOwnerJustStartedIsFoldedNotLate() throws Exception {
    // The fold began at hour 10; its owner starts at 11:15, past hour 10's margin, with nothing to fold.
    new FoldHead(aws.dynamo(), vertx.getOrCreateContext(), config.stack().usageTable())
        .start(Instant.parse("2026-11-21T10:00:00Z")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    clock.set(Instant.parse("2026-11-21T11:15:00Z"));
    deploy();
    Instant started = clock.instant();
    TestStack.await(Duration.ofSeconds(20), "countedThrough past the owner's start",
        () -> view.snapshot().countedThrough().isAfter(started));

    // The ended hour's records arrive now: the owner folds them; it has not passed the hour.
    String backlog = archive(record("m-1", A, "10:05", 100), record("m-2", A, "10:50", 20), record("m-3", B, "10:59", 5));
    point(backlog);
    awaitTotal(A, 120, 2);
    awaitTotal(B, 5, 1);
    assertThat(view.snapshot().compactedBefore()).isEqualTo(Instant.parse("2026-11-21T10:00:00Z"));
    assertThat(pages(A, "2026-11-21T10")).as("nothing went late, through the pages ledger").isEmpty();

    // Quiet for the margin since the owner began: the hour is written once, one page an account.
    clock.set(started.plus(Duration.ofSeconds(config.fold().foldCompactAfterSeconds())).plusSeconds(5));
    TestStack.await(Duration.ofSeconds(20), "hour 10 compacted",
        () -> view.snapshot().compactedBefore().equals(Instant.parse("2026-11-21T11:00:00Z")));
    assertThat(pages(A, "2026-11-21T10")).hasSize(1);
    assertThat(pages(A, "2026-11-21T10").get(0).entries()).extracting(Page.Entry::messageId)
        .containsExactlyInAnyOrder("m-1", "m-2");
    assertThat(total(A)).isEqualTo(new Usage(120, 2));
    assertThat(total(B)).isEqualTo(new Usage(5, 1));
  }

  @Test
  void aBacklogIsFoldedNoMorePointersAPeriodThanTheSettingAllows() throws Exception {
    String[] backlog = new String[60];
    for (int i = 0; i < backlog.length; i++) {
      backlog[i] = archive(record("m-" + i, A, "10:05", i + 1));
    }
    point(backlog); // sent while no owner runs: a backlog, all in the queue when the owner starts
    Instant sent = clock.instant();
    // Every receive sent more than the senders' skew after the backlog: a receive taken for a drain
    // too early would move countedThrough past it.
    clock.set(sent.plus(FoldOwner.SEND_SKEW).plusSeconds(1));
    List<FoldPeriod> periods = new CopyOnWriteArrayList<>();
    // 15: once 10 are held, a receive asks for the 5 left, and getting 5 is no drain.
    FoldSettings fifteenAPeriod = Config.from(Config.defaults().mergeIn(settings.copy()
        .put("foldPointersPerPeriod", 15))).fold();
    deploy(fifteenAPeriod, periods::add);

    // countedThrough past the backlog's sending claims every pointer of it folded.
    TestStack.await(Duration.ofSeconds(20), "countedThrough past the backlog",
        () -> !view.snapshot().countedThrough().isBefore(sent));
    assertThat(total(A)).as("counted once countedThrough passed the backlog").isEqualTo(new Usage(60 * 61 / 2, 60));
    assertThat(periods).as("objects each period folded")
        .allSatisfy(p -> assertThat(p.objects()).hasSizeLessThanOrEqualTo(15));
    assertThat(periods.stream().filter(p -> !p.objects().isEmpty())).as("periods that folded").hasSizeGreaterThanOrEqualTo(4);
    assertThat(periods.stream().flatMap(p -> p.objects().stream()).distinct()).containsExactlyInAnyOrder(backlog);
  }

  @Test
  void anObjectNotReadableHoldsBackCountedThroughAloneUntilItIsFolded() throws Exception {
    deploy();
    String good = archive(record("m-1", A, "10:05", 100));
    String missing = nextKey();
    Instant sent = clock.instant();
    point(missing, good);
    // The object that can be read is folded; the other's pointer waits, and countedThrough before it.
    awaitTotal(A, 100, 1);
    TestStack.holds(Duration.ofSeconds(2), "countedThrough before the waiting pointer",
        () -> view.snapshot().countedThrough().isBefore(sent));
    // Readable at last: folded, and countedThrough goes past it.
    archiveAt(missing, record("m-2", B, "10:06", 7));
    awaitTotal(B, 7, 1);
    TestStack.await(Duration.ofSeconds(20), "countedThrough past the pointer",
        () -> !view.snapshot().countedThrough().isBefore(sent));
    assertThat(total(A)).isEqualTo(new Usage(100, 1));
  }

  private String deploy() throws Exception {
    return deploy(config.fold(), period -> { });
  }

  private String deploy(FoldSettings settings, Consumer<FoldPeriod> published) throws Exception {
    return vertx.deployVerticle(new FoldVerticle(settings, aws.sqs(), aws.s3(), aws.dynamo(),
        new SimpleMeterRegistry(), clock, context -> published)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private void undeploy(String id) throws Exception {
    vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private void awaitTotal(String account, long bytes, long messages) throws InterruptedException {
    try {
      TestStack.await(Duration.ofSeconds(20), account + " at " + bytes + " bytes",
          () -> total(account).equals(new Usage(bytes, messages)));
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ", but at " + total(account) + " (view " + view.snapshot() + ")", e);
    }
  }

  private Usage total(String account) {
    return usage.total(account, true).join();
  }

  private static LogRecord record(String id, String account, String time, int bytes) {
    return new LogRecord(id, account, Instant.parse("2026-11-21T" + time + ":00Z"), bytes, "x".repeat(bytes));
  }

  /** Archives the records in an object of their own, as a flush does; returns its key. */
  private String archive(LogRecord... records) {
    return archiveAt(nextKey(), records);
  }

  private String nextKey() {
    return "raw/dt=2026-11-21/hr=10/20261121T100000000Z-test-" + String.format("%06d", ++objects) + ".ndjson";
  }

  private String archiveAt(String key, LogRecord... records) {
    ArchiveObject object = new ArchiveObject(key);
    for (LogRecord r : records) {
      object.add(r, clock.instant());
    }
    stack.s3.putObject(p -> p.bucket(config.stack().bucket()).key(object.key()), RequestBody.fromBytes(object.bytes()));
    return object.key();
  }

  private void point(String... keys) {
    String url = stack.sqs.getQueueUrl(q -> q.queueName(config.fold().foldQueueName())).queueUrl();
    for (String key : keys) {
      stack.sqs.sendMessage(s -> s.queueUrl(url).messageBody(new FoldPointer(key, 1, clock.instant()).encode()));
    }
  }

  private List<Page> pages(String account, String hour) {
    return stack.dynamo.query(q -> q.tableName(config.stack().ledgerTable()).consistentRead(true)
            .keyConditionExpression("pk = :pk")
            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(Page.partition(account, hour)))))
        .items().stream().map(Page::of).toList();
  }

  private Map<String, AttributeValue> hour(String account, int hh) {
    return stack.dynamo.getItem(g -> g.tableName(config.stack().usageTable()).consistentRead(true)
            .key(Map.of("pk", AttributeValue.fromS(account), "sk", AttributeValue.fromS(CounterKeys.dayKey(DAY)))))
        .item().get(CounterKeys.hourAttribute(hh)).m();
  }

  /** The real clock's pace from an instant the test sets. */
  static final class ShiftedClock extends Clock {
    private final AtomicLong shiftMillis = new AtomicLong();

    ShiftedClock(Instant start) {
      set(start);
    }

    void set(Instant now) {
      shiftMillis.set(now.toEpochMilli() - System.currentTimeMillis());
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(System.currentTimeMillis() + shiftMillis.get());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
