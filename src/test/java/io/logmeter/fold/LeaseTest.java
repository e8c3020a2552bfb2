package io.logmeter.fold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logmeter.TestStack;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * The fold's lease and head against the local DynamoDB server: one owner at a time, a new epoch for
 * each, and no period published by an owner whose epoch was overtaken, whatever its clock says.
 */
class LeaseTest {

  private static final Duration LENGTH = Duration.ofSeconds(10);
  private static final Duration MARGIN = Duration.ofSeconds(2);

  private static TestStack stack;
  private static Vertx vertx;
  private static DynamoDbAsyncClient dynamo;
  private String table;
  private Context context;

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

  @BeforeEach
  void table() throws InterruptedException {
    table = stack.createUsageShapedTable("fold-");
    context = vertx.getOrCreateContext();
  }

  @Test
  void oneOwnerAtATimeAndEachTakeOverWithTheNextEpoch() throws Exception {
    MovableClock aClock = new MovableClock();
    MovableClock bClock = new MovableClock();
    Lease a = lease("a", aClock);
    Lease b = lease("b", bClock);
    assertThat(on(a::takeOrRenew)).contains(1L);
    assertThat(on(b::takeOrRenew)).as("held by a").isEmpty();
    aClock.move(Duration.ofSeconds(5));
    assertThat(on(a::takeOrRenew)).as("renewed, same epoch").contains(1L);
    // b's clock passes the end of a's first term, but a renewed: still a's.
    bClock.move(Duration.ofSeconds(11));
    assertThat(on(b::takeOrRenew)).isEmpty();
    // a stops renewing; once its lease has ended by b's clock, b takes it with epoch 2.
    bClock.move(Duration.ofSeconds(5));
    assertThat(on(b::takeOrRenew)).contains(2L);
    assertThat(b.held()).contains(2L);
    assertThat(b.tookReleased()).as("a's lease ran out: what a held comes back after its timeout").isFalse();
    // a, by its own clock, stops acting before its lease ends (the margin), and cannot renew.
    aClock.move(Duration.ofSeconds(8));
    assertThat(a.held()).isEmpty();
    assertThat(on(a::takeOrRenew)).isEmpty();
  }

  @Test
  void aReleasedLeaseIsTakenAtOnce() throws Exception {
    MovableClock clock = new MovableClock();
    Lease a = lease("a", clock);
    Lease b = lease("b", clock);
    assertThat(on(a::takeOrRenew)).contains(1L);
    assertThat(a.tookReleased()).as("a new lease").isFalse();
    on(() -> a.release(Instant.EPOCH));
    assertThat(a.held()).isEmpty();
    assertThat(on(b::takeOrRenew)).contains(2L);
    assertThat(b.tookReleased()).as("a gave everything back before its lease").isTrue();
    assertThat(b.releasedHoldUntil()).as("nothing held back before a").isEqualTo(Instant.EPOCH);
    on(() -> a.release(Instant.EPOCH));
    assertThat(on(b::takeOrRenew)).as("a's release after it lost the lease changed nothing").contains(2L);
    assertThat(on(a::takeOrRenew)).isEmpty();
  }

  @Test
  void aReleaseHandsOnWhatAnOwnerBeforeItMayStillHold() throws Exception {
    MovableClock clock = new MovableClock();
    Lease a = lease("a", clock);
    Lease b = lease("b", clock);
    Lease c = lease("c", clock);
    assertThat(on(a::takeOrRenew)).contains(1L);
    // a crashes: its lease runs out, b takes it; a's pointers may come back until b's hold ends.
    clock.move(Duration.ofSeconds(11));
    assertThat(on(b::takeOrRenew)).contains(2L);
    assertThat(b.tookReleased()).isFalse();
    Instant hold = clock.instant().plusSeconds(20);
    // b gives the lease up at once (a drain, or a start that failed): c must wait for a's pointers too.
    on(() -> b.release(hold));
    assertThat(on(c::takeOrRenew)).contains(3L);
    assertThat(c.tookReleased()).isTrue();
    assertThat(c.releasedHoldUntil()).isEqualTo(hold);
  }

  @Test
  void anOwnerThatRenewedTooLateTakesItsLeaseBackWithANewEpoch() throws Exception {
    MovableClock clock = new MovableClock();
    Lease a = lease("a", clock);
    Lease b = lease("b", clock);
    assertThat(on(a::takeOrRenew)).contains(1L);
    // a's renewal comes inside the margin: a no longer acts, but the item still says a's lease runs.
    clock.move(Duration.ofSeconds(9));
    assertThat(a.held()).isEmpty();
    assertThat(on(b::takeOrRenew)).isEmpty();
    assertThat(on(a::takeOrRenew)).as("a takes it back, fenced from its own earlier writes").contains(2L);
  }

  @Test
  void aStepOfTheWallClockDoesNotLetAnOwnerActPastItsLease() throws Exception {
    MovableClock clock = new MovableClock();
    Lease a = lease("a", clock);
    assertThat(on(a::takeOrRenew)).contains(1L);
    clock.move(Duration.ofSeconds(7));
    clock.step(Duration.ofSeconds(-5));
    clock.move(Duration.ofSeconds(2));
    assertThat(a.held()).as("8 s have passed, whatever the wall clock says").isEmpty();
  }

  @Test
  void anOwnerWhoseEpochWasOvertakenPublishesNothing() throws Exception {
    FoldHead head = new FoldHead(dynamo, context, table);
    assertThat(on(head::read)).isEqualTo(FoldHead.State.NONE);
    assertThat(on(() -> head.claim(1))).isPresent();
    Instant first = Instant.parse("2026-11-21T10:00:01Z");
    Instant ten = Instant.parse("2026-11-21T10:00:00Z");
    assertThat(on(() -> head.advance(1, 0, 1, first, ten))).contains(new FoldHead.State(1, 1, 1, first, ten));
    assertThat(on(() -> head.advance(1, 0, 1, first, ten))).as("period 1 published twice").isEmpty();
    // A second owner takes over: from its claim on, the first one's advances are refused, even the
    // one it had prepared for the period it saw last.
    assertThat(on(() -> head.claim(2))).contains(new FoldHead.State(1, 2, 1, first, ten));
    assertThat(on(() -> head.advance(1, 1, 2, first.plusSeconds(1), ten))).isEmpty();
    assertThat(on(() -> head.claim(1))).as("an older epoch cannot claim back").isEmpty();
    Instant second = first.plusSeconds(2);
    assertThat(on(() -> head.advance(2, 1, 2, first.minusMillis(1), ten))).as("counting through earlier than the head").isEmpty();
    assertThat(on(() -> head.advance(2, 1, 2, second, ten))).contains(new FoldHead.State(2, 2, 2, second, ten));
    assertThat(on(head::read)).isEqualTo(new FoldHead.State(2, 2, 2, second, ten));
    assertThatThrownBy(() -> on(() -> head.advance(2, 2, 4, second, ten))).hasCauseInstanceOf(IllegalArgumentException.class);
  }

  private Lease lease(String owner, MovableClock clock) {
    return new Lease(dynamo, context, table, owner, LENGTH, MARGIN, clock, clock::nanos);
  }

  private <T> T on(Supplier<Future<T>> call) throws Exception {
    return TestStack.on(context, call);
  }

  /** A clock that moves only when told: each owner's view of the time. */
  static final class MovableClock extends Clock {
    private Instant now = Instant.parse("2026-11-21T10:00:00Z");
    private long monotonic;

    void move(Duration by) {
      now = now.plus(by);
      monotonic += by.toNanos();
    }

    /** The monotonic clock moves with the wall clock here; {@link #step} moves the wall clock alone. */
    long nanos() {
      return monotonic;
    }

    void step(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
