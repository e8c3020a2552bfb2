package io.logmeter.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.logmeter.Messages;
import io.logmeter.TestStack;
import io.logmeter.faults.FaultRig.Dependency;
import io.logmeter.server.Config;
import io.logmeter.server.Launcher;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The fault scenarios. Each drives load through SQS into the service running as a process of its
 * own, injects its faults in the middle of it, and ends with {@link FaultRig#verify}. Each runs at
 * a {@link Size}: FAST in the normal suite, LONG on demand.
 */
final class FaultScenarios {

  /**
   * @param messages        distinct messages of the main load (plus SNS duplicates and 1% malformed)
   * @param load            how long the load is spread over
   * @param outage          how long a dependency is down
   * @param maxReceiveCount the queue's redrive setting, and so the crashes a poison message causes
   * @param drain           how long the queue may take to drain once the faults are over
   */
  record Size(String label, int messages, Duration load, Duration outage, int maxReceiveCount, Duration drain) {
    static final Size FAST = new Size("fast", 1500, Duration.ofSeconds(6), Duration.ofSeconds(3), 2,
        Duration.ofSeconds(90));
    static final Size LONG = new Size("long", 20_000, Duration.ofSeconds(60), Duration.ofSeconds(30), 5,
        Duration.ofSeconds(420));
  }

  private static final String INFLIGHT = "logmeter_inflight_messages";

  private final TestStack stack;
  private final Size size;
  /** Settings every scenario runs with, under its own (the ledger). */
  private final JsonObject base;

  FaultScenarios(TestStack stack, Size size) {
    this(stack, size, new JsonObject());
  }

  FaultScenarios(TestStack stack, Size size, JsonObject base) {
    this.stack = stack;
    this.size = size;
    this.base = base;
  }

  private FaultRig rig(String scenario, JsonObject tuning) throws Exception {
    String ledger = base.getString("ledger");
    return new FaultRig(ledger == null ? scenario : scenario + ", " + ledger, stack, base.copy().mergeIn(tuning));
  }

  /**
   * One dependency after the other unreachable under load, with a small in-flight bound: while
   * DynamoDB is down the bound fills and the rest waits in SQS.
   */
  Figures dependenciesDownInTurn() throws Exception {
    int bound = 300;
    JsonObject tuning = new JsonObject().put("maxInFlightMessages", bound).put("batchMaxMessages", 100);
    try (FaultRig rig = rig("S3, DynamoDB, SQS down in turn (" + size.label() + ")", tuning)) {
      rig.startService();
      Traffic traffic = new Traffic(12, 40, size.messages(), 120);
      Duration gap = Duration.ofMillis(400);
      Duration load = size.outage().plus(gap).multipliedBy(Dependency.values().length).plus(gap);
      CompletableFuture<Void> sending = traffic.sendOver(stack.sqsAsync, rig.queueUrl(), load);
      List<String> notes = new ArrayList<>();
      for (Dependency dependency : Dependency.values()) {
        Thread.sleep(gap.toMillis());
        rig.watch().openWindow();
        rig.fault(dependency + " down " + size.outage().toSeconds() + " s");
        rig.takeDown(dependency);
        Thread.sleep(size.outage().toMillis());
        long waiting = rig.visible();
        rig.bringBack(dependency);
        notes.add(dependency + ": in flight ≤ " + rig.watch().windowMaxInFlight() + ", left in SQS " + waiting);
        if (dependency == Dependency.DYNAMODB && !"fold".equals(base.getString("ledger"))) {
          // Nothing could be committed: the bound filled and the rest stayed in the queue. (With the
          // fold a flush needs S3 and SQS only: ingest goes on, and the fold catches up afterwards.)
          assertThat(rig.watch().windowMaxInFlight()).isGreaterThan(bound / 2).isLessThanOrEqualTo(bound);
          assertThat(waiting).isPositive();
        }
      }
      sending.join();
      return rig.verify(traffic, size.drain(), List.of(), String.join("; ", notes));
    }
  }

  /**
   * With the fold: two instances, and the one that folds frozen (SIGSTOP) under load for longer than
   * its lease, so that the other takes the lease and folds while the first still believes it holds
   * it; thawed, the first must publish nothing (its epoch is overtaken), and the deliveries it held
   * were redelivered to the other meanwhile: it archives them a second time, for the fold to find
   * counted.
   */
  Figures foldOwnerFrozenPastItsLease() throws Exception {
    try (FaultRig rig = rig("fold owner frozen past its lease (" + size.label() + ")", new JsonObject())) {
      rig.startService();
      TestStack.await(Duration.ofSeconds(30), "the first instance folding",
          () -> rig.metric("logmeter_fold_owner") == 1);
      rig.startAnotherInstance();
      Traffic traffic = new Traffic(17, 40, size.messages(), 120);
      CompletableFuture<Void> sending = traffic.sendOver(stack.sqsAsync, rig.queueUrl(), size.load());
      Thread.sleep(size.load().toMillis() / 4);
      awaitHolding(rig);
      rig.freeze(true);
      Duration frozen = Duration.ofSeconds(2L * rig.config().getInteger("foldLeaseSeconds"));
      Thread.sleep(frozen.toMillis());
      rig.freeze(false);
      rig.faultOver();
      TestStack.await(Duration.ofSeconds(30), "the thawed instance no longer folding",
          () -> rig.metric("logmeter_fold_owner") == 0);
      sending.join();
      return rig.verify(traffic, size.drain(), List.of(), "frozen " + frozen.toSeconds() + " s");
    }
  }

  /**
   * With the fold: a backlog after a long outage, the owner killed while it writes the backlog's
   * hours. Everything is sent while no instance runs, over hours long ended (the fold counts from
   * the traffic's first day); two instances drain it, the first folding. Once the hours have been
   * quiet for the margin the owner writes them, and is killed (SIGKILL) as soon as the first page
   * is in the ledger. The other takes the lease, rebuilds from the periods, and writes the hours
   * again: the pages the first wrote are found taken, read, and nothing in them is appended twice.
   */
  Figures foldBacklogOwnerKilledWhileWritingHours() throws Exception {
    JsonObject tuning = new JsonObject().put("foldCompactAfterSeconds", 5);
    try (FaultRig rig = rig("backlog, owner killed writing its hours (" + size.label() + ")", tuning)) {
      Traffic traffic = new Traffic(29, 200, size.messages(), 120);
      rig.createFoldingFrom(traffic.firstDay().atStartOfDay(ZoneOffset.UTC).toInstant());
      Instant sent = Instant.now().truncatedTo(ChronoUnit.HOURS);
      traffic.sendOver(stack.sqsAsync, rig.queueUrl(), Duration.ofSeconds(2)).join();
      rig.fault("backlog of " + traffic.deliveries() + " deliveries sent while no instance ran");

      rig.startService();
      TestStack.await(Duration.ofSeconds(30), "the first instance folding", () -> rig.metric("logmeter_fold_owner") == 1);
      rig.startAnotherInstance();
      TestStack.await(Duration.ofMinutes(2), "the owner writing the backlog's hours", rig::anyLedgerPage);
      rig.kill();
      int pagesAtKill = rig.ledgerPages().size();

      TestStack.await(size.drain(), "the next owner writing every ended hour",
          () -> !rig.foldCompactedBefore().isBefore(sent));
      rig.startService();
      Map<String, Integer> pages = rig.ledgerPages();
      assertThat(pagesAtKill).as("account-hours written when the owner was killed").isPositive()
          .isLessThan(pages.size());
      assertThat(pages).as("account-hours with more than one page: entries appended twice")
          .allSatisfy((hour, count) -> assertThat(count).as(hour).isEqualTo(1));
      return rig.verify(traffic, size.drain(), List.of(), "pages at the kill " + pagesAtKill + " of " + pages.size());
    }
  }

  /** One dependency down for {@link Size#outage} in the middle of the load. */
  Figures outageUnderLoad(Dependency dependency) throws Exception {
    try (FaultRig rig = rig(dependency + " down under load (" + size.label() + ")", new JsonObject())) {
      rig.startService();
      Traffic traffic = new Traffic(13 + dependency.ordinal(), 40, size.messages(), 120);
      CompletableFuture<Void> sending = traffic.sendOver(stack.sqsAsync, rig.queueUrl(), size.load());
      Thread.sleep(size.load().toMillis() / 6);
      rig.watch().openWindow();
      long before = rig.service().pid();
      rig.outage(dependency, size.outage());
      String notes = "in flight during the outage ≤ " + rig.watch().windowMaxInFlight() + ", RSS ≤ "
          + rig.watch().windowMaxRssBytes() / (1024 * 1024) + " MB";
      assertThat(rig.service().pid()).as("the same process rode it out").isEqualTo(before);
      sending.join();
      Figures figures = rig.verify(traffic, size.drain(), List.of(), notes);
      double received = rig.metric("logmeter_messages_received_total");
      if (dependency == Dependency.SQS) {
        // Deletes failed while SQS was cut: those messages came back and were recognised.
        assertThat(rig.metric("logmeter_messages_duplicates_total")).as("redeliveries recognised")
            .isGreaterThan(traffic.snsDuplicates());
      } else if (dependency == Dependency.DYNAMODB && "fold".equals(base.getString("ledger"))) {
        // With the fold a flush needs S3 and SQS only: ingest went on through the outage.
        assertThat(received).as("deliveries received: each body once").isEqualTo(traffic.deliveries());
      } else {
        // Held through the outage, longer than their visibility timeout, and never redelivered:
        // the extensions kept them invisible, so no receive count rose.
        assertThat(rig.metric("logmeter_visibility_extended_total")).as("visibility extensions").isPositive();
        assertThat(received).as("deliveries received: each body once").isEqualTo(traffic.deliveries());
      }
      return figures;
    }
  }

  /**
   * Contention as a fleet meets it on real DynamoDB: three instances share the tables and three hot
   * accounts, so that every flush of each instance writes the same ledger partitions and day items
   * as the others' (real conflicts: a page number taken, a day moved further), and on top of those
   * DynamoDB refuses a share of the writes as if another writer had come first, fails or throttles
   * others, and applies some whose reply is then lost (the instance cannot tell whether it was
   * applied, and must neither lose nor double it).
   */
  Figures contention() throws Exception {
    JsonObject tuning = new JsonObject().put("batchMaxMessages", 50)
        .put("batchMaxAgeMillis", 200);
    DynamoDbFaults.Rates rates = new DynamoDbFaults.Rates(0.15, 0.05, 0.05, 0.05);
    try (FaultRig rig = rig("contention: 3 instances (" + size.label() + ")", tuning);
        DynamoDbFaults faults = new DynamoDbFaults(rig.dynamoDbRelay(), rates)) {
      rig.routeDynamoDbThrough(faults.endpoint());
      rig.startService();
      rig.startAnotherInstance();
      rig.startAnotherInstance();
      rig.fault("writes: 15% refused as conflicts, 10% failed or throttled, 5% replies lost");
      Traffic traffic = new Traffic(31, 3, size.messages(), 120);
      traffic.sendOver(stack.sqsAsync, rig.queueUrl(), size.load()).join();
      TestStack.await(size.drain(), "the load drained", () -> rig.visible() + rig.notVisible() == 0);
      rig.faultOver();
      assertThat(faults.conflicts.get()).as("conflicts injected").isPositive();
      assertThat(faults.throttled.get()).as("throttled or failed writes").isPositive();
      assertThat(faults.lostReplies.get()).as("replies lost after the write").isPositive();
      return rig.verify(traffic, size.drain(), List.of(), faults.summary());
    }
  }

  /**
   * Malformed bodies of every kind are rejected and never billed; a message whose every delivery
   * crashes its holder (SIGKILL each time it is held, before its flush) reaches the DLQ after
   * {@code maxReceiveCount} receives, intact, unbilled; redriven once the cause is gone, it is billed
   * once (at LONG size only, to keep FAST short).
   */
  Figures poison() throws Exception {
    JsonObject tuning = new JsonObject().put("maxReceiveCount", size.maxReceiveCount()).put("batchMaxAgeMillis", 2000);
    try (FaultRig rig = rig("poison (" + size.label() + ")", tuning)) {
      rig.startService();
      Traffic traffic = new Traffic(17, 30, size.messages() / 3, 120);
      traffic.sendOver(stack.sqsAsync, rig.queueUrl(), size.load().dividedBy(3)).join();
      TestStack.await(size.drain(), "the load drained", () -> rig.visible() + rig.notVisible() == 0);

      String account = UUID.randomUUID().toString();
      String logData = "this message crashes whoever holds it ☠";
      String poison = Messages.envelope(UUID.randomUUID().toString(), Instant.now(), account, logData);
      double received = rig.metric("logmeter_messages_received_total");
      stack.sqs.sendMessage(r -> r.queueUrl(rig.queueUrl()).messageBody(poison));
      int crashes = 0;
      while (true) {
        double before = received;
        TestStack.await(Duration.ofSeconds(40), "the poison received or dead-lettered",
            () -> rig.metric("logmeter_messages_received_total") > before || rig.deadLettered() > 0);
        if (rig.deadLettered() > 0) {
          break;
        }
        rig.kill();
        crashes++;
        rig.startService();
        received = 0;
      }
      assertThat(crashes).as("receives before the DLQ").isEqualTo(size.maxReceiveCount());
      assertThat(rig.usage(account)).isZero();
      Figures figures = rig.verify(traffic, size.drain(), List.of(poison),
          "poison dead-lettered after " + crashes + " crashing receives");

      if (size == Size.FAST) {
        return figures;
      }
      // The cause fixed, the operator redrives it: billed once, reconciliation still clean.
      Message dead = stack.sqs.receiveMessage(r -> r.queueUrl(rig.dlqUrl()).visibilityTimeout(30)).messages().get(0);
      stack.sqs.sendMessage(r -> r.queueUrl(rig.queueUrl()).messageBody(dead.body()));
      stack.sqs.deleteMessage(r -> r.queueUrl(rig.dlqUrl()).receiptHandle(dead.receiptHandle()));
      TestStack.await(Duration.ofSeconds(30), "the redriven poison billed", () -> rig.usage(account) == 1);
      assertThat(rig.usageBytes(account)).isEqualTo(logData.getBytes(StandardCharsets.UTF_8).length);
      assertThat(rig.reconcile(traffic.firstDay()).clean()).isTrue();
      return figures;
    }
  }

  /**
   * The process dies under load, at evenly spaced moments, and is started again each time:
   * {@code kills} SIGKILLs (nothing drained, nothing released: what it held comes back after its
   * visibility timeout), then {@code drainingStops} SIGTERMs with every dependency up (it drains and
   * exits within 30 s), then, if asked, a SIGTERM while DynamoDB is down: it cannot finish, so when
   * the grace period is over it makes what it holds visible again at once and exits, within the
   * grace period plus the {@link Launcher#AFTER_GRACE_SECONDS} the launcher allows. After every SIGTERM nothing may be left
   * invisible in the queue.
   */
  Figures deaths(int kills, int drainingStops, boolean stopWithDynamoDbDown) throws Exception {
    // FAST shortens the grace period; LONG keeps the production default, and its stops must end
    // within the 30 s an instance refresh or a load balancer allows.
    int grace = size == Size.FAST ? 3 : Config.defaults().getInteger("shutdownGraceSeconds");
    Duration stopLimit = size == Size.FAST ? Duration.ofSeconds(grace + Launcher.AFTER_GRACE_SECONDS)
        : Duration.ofSeconds(30);
    // Each death is a failed receive of whatever the process held. With kills about one visibility
    // timeout apart, a message can be held at every one of them; the queue's redrive setting is
    // raised above the number of deaths so that this scenario is about crashes, not the DLQ (the
    // poison scenario is about the DLQ).
    int deaths = kills + drainingStops + (stopWithDynamoDbDown ? 1 : 0);
    JsonObject tuning = new JsonObject().put("shutdownGraceSeconds", grace).put("maxReceiveCount", deaths + 2);
    if (size == Size.LONG && kills == 0) {
      // Without kills nothing waits for a timeout to end, so LONG keeps the production default
      // here too. With the rig's 10 s, the thousands held while DynamoDB is down are extended every
      // 5 s, and ElasticMQ, whose visibility change costs time in proportion to the queue's length
      // (4,000 changes: 5.3 s in a queue of 4,000, 30.5 s in one of 20,000), spends all its time on
      // them: the release at the end of the grace period then queues behind extensions and misses
      // the launcher's deadline. SQS's cost per change does not grow with the queue.
      tuning.put("visibilityTimeoutSeconds", Config.defaults().getInteger("visibilityTimeoutSeconds"));
    }
    List<String> kinds = new ArrayList<>();
    if (kills > 0) {
      kinds.add("kill -9");
    }
    if (drainingStops > 0) {
      kinds.add("SIGTERM");
    }
    if (stopWithDynamoDbDown) {
      kinds.add("SIGTERM with DynamoDB down");
    }
    String name = String.join(" + ", kinds) + " under load (" + size.label() + ")";
    try (FaultRig rig = rig(name, tuning)) {
      rig.startService();
      // After the kills the scenario waits out the visibility timeout, so that what the killed
      // processes held is back before a SIGTERM looks at the queue. The load goes on through that
      // wait and past the last stop, so that every stop lands on messages in flight.
      Duration visibilityWait = kills > 0 && deaths > kills
          ? Duration.ofSeconds(rig.config().getInteger("visibilityTimeoutSeconds") + 1) : Duration.ZERO;
      Duration load = size.load().plus(visibilityWait).plus(visibilityWait.isZero() ? Duration.ZERO
          : size.load().dividedBy(2));
      Traffic traffic = new Traffic(11, 40, size.messages(), 120);
      long start = System.nanoTime();
      CompletableFuture<Void> sending = traffic.sendOver(stack.sqsAsync, rig.queueUrl(), load);
      long later = start + visibilityWait.toNanos();
      int death = 0;
      List<String> notes = new ArrayList<>();
      List<Long> held = new ArrayList<>();
      long lastKill = 0;
      for (int k = 0; k < kills; k++) {
        sleepUntil(start + size.load().toNanos() * ++death / (deaths + 1));
        awaitHolding(rig);
        held.add((long) rig.metric(INFLIGHT));
        rig.kill();
        lastKill = System.nanoTime();
        rig.startService();
      }
      if (kills > 0) {
        notes.add("held at each kill " + held);
        // What the killed processes held must have reappeared, or a SIGTERM's check would count it.
        sleepUntil(lastKill + TimeUnit.SECONDS.toNanos(rig.config().getInteger("visibilityTimeoutSeconds") + 1));
      }
      for (int i = 0; i < drainingStops; i++) {
        sleepUntil(later + size.load().toNanos() * ++death / (deaths + 1));
        awaitHolding(rig);
        notes.add(stop(rig, "draining", stopLimit));
        rig.startService();
      }
      if (stopWithDynamoDbDown) {
        sleepUntil(later + size.load().toNanos() * ++death / (deaths + 1));
        rig.takeDown(Dependency.DYNAMODB);
        rig.fault("DynamoDB down at SIGTERM");
        // LONG: thousands held, so that the release at the end of the grace period is measured
        // at scale, inside the time the launcher allows after it.
        awaitHolding(rig, size == Size.LONG ? 3000 : 1);
        Thread.sleep(500);
        notes.add(stop(rig, "DynamoDB down, grace " + grace + " s", stopLimit));
        rig.bringBack(Dependency.DYNAMODB);
        rig.startService();
      }
      rig.faultOver();
      sending.join();
      return rig.verify(traffic, size.drain(), List.of(), String.join("; ", notes));
    }
  }

  private String stop(FaultRig rig, String label, Duration limit) throws Exception {
    long held = (long) rig.metric(INFLIGHT);
    FaultRig.Stop stop = rig.terminate(limit);
    Duration took = stop.took();
    long invisible = rig.notVisible();
    assertThat(invisible).as("messages left invisible right after the exit (%s)", label).isZero();
    if (took.toMillis() > 1000) {
      assertThat(stop.reportedNotReady()).as("/health/ready answered 503 while draining (%s)", label).isTrue();
    }
    return String.format("%s: held %d, exited in %.1f s, invisible after exit %d", label, held,
        took.toMillis() / 1000.0, invisible);
  }

  /**
   * DynamoDB down while thousands of messages of several KB wait: the pipeline holds at most its
   * byte bound (exceeded by at most one receive per poller), far fewer messages than its message
   * bound, the rest stays in SQS, and the process's memory stays bounded; once DynamoDB is back all
   * of it is billed once.
   */
  Figures memoryWhileDynamoDbIsDown() throws Exception {
    long byteBound = 2L * 1024 * 1024;
    int pollers = 8;
    JsonObject tuning = new JsonObject().put("maxInFlightBytes", byteBound).put("pollers", pollers);
    try (FaultRig rig = rig("memory, DynamoDB down (" + size.label() + ")", tuning)) {
      rig.startService();
      long idle = ProcessWatch.rssBytes(rig.service().pid());

      Traffic traffic = new Traffic(29, 40, size.messages() / 2, 6000);
      rig.fault("DynamoDB down " + size.outage().toSeconds() + " s");
      rig.takeDown(Dependency.DYNAMODB);
      rig.watch().openWindow();
      traffic.sendOver(stack.sqsAsync, rig.queueUrl(), Duration.ofSeconds(5)).join();
      Thread.sleep(size.outage().toMillis());
      long waiting = rig.visible();
      long maxInFlight = rig.watch().windowMaxInFlight();
      long maxInFlightBytes = rig.watch().windowMaxInFlightBytes();
      long maxRss = rig.watch().windowMaxRssBytes();
      rig.bringBack(Dependency.DYNAMODB);

      long overshoot = (long) pollers * 10 * traffic.largestBodyBytes();
      assertThat(maxInFlightBytes).as("bytes held while DynamoDB is down").isPositive()
          .isLessThanOrEqualTo(byteBound + overshoot);
      assertThat(maxInFlight).as("messages held: the byte bound, not the message bound, stopped the receives")
          .isLessThan(Config.defaults().getInteger("maxInFlightMessages") / 2);
      assertThat(waiting).as("messages left waiting in SQS").isGreaterThanOrEqualTo(traffic.deliveries() - maxInFlight);
      // -Xmx512m: heap, plus metaspace, threads, Netty's buffers and code; not a function of the backlog.
      assertThat(maxRss).as("RSS while DynamoDB is down").isLessThan(900L * 1024 * 1024);
      return rig.verify(traffic, size.drain(), List.of(), String.format(
          "RSS %d MB idle, ≤ %d MB while %d messages (%d MB) waited in SQS; in flight ≤ %d messages, ≤ %d KB "
              + "(bound %d KB + one receive per poller)", idle / (1024 * 1024), maxRss / (1024 * 1024), waiting,
          traffic.bytes() / (1024 * 1024), maxInFlight, maxInFlightBytes / 1024, byteBound / 1024));
    }
  }

  /** Until the service holds messages, so that a crash or a stop lands on work in flight. */
  private static void awaitHolding(FaultRig rig) throws InterruptedException {
    awaitHolding(rig, 1);
  }

  private static void awaitHolding(FaultRig rig, int atLeast) throws InterruptedException {
    TestStack.await(Duration.ofSeconds(20), atLeast + " messages in flight", () -> rig.metric(INFLIGHT) >= atLeast);
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long wait = nanos - System.nanoTime();
    if (wait > 0) {
      Thread.sleep(wait / 1_000_000);
    }
  }
}
