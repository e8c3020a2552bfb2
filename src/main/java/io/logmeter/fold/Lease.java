package io.logmeter.fold;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Who folds: one owner at a time, each owner with an epoch no owner had before it. One item of the
 * usage table ({@code pk} {@value FoldItems#PARTITION}, {@code sk} {@value #SORT}) holds the owner,
 * its epoch and when its lease ends; every change is a conditional write, so two instances never
 * both believe they took the same epoch.
 *
 * <p>A lease is taken only once it has ended by the taker's clock (or by its own owner again, with
 * a new epoch, after a renewal too late or a take whose reply was lost), and an owner stops acting
 * once {@code length - margin} has passed since its last successful write, timed by the monotonic
 * clock (a step of the wall clock moves nothing): wall clocks that differ by less than the margin
 * never let two owners act at once. Whatever gets past that (a process frozen
 * mid-write) is stopped by the epoch: what the fold publishes is conditional on it
 * ({@link FoldHead}).
 *
 * <p>Confined to the caller's context.
 */
public final class Lease {

  static final String SORT = "lease";
  private static final String OWNER = "owner";
  private static final String EPOCH = "epoch";
  private static final String ENDS = "endsAtMillis";
  private static final String HOLD = "holdUntilMillis";

  private final DynamoDbAsyncClient dynamo;
  private final Context context;
  private final String table;
  private final String owner;
  private final Duration length;
  private final Duration margin;
  private final Clock clock;
  private final LongSupplier nanoTime;
  /** The epoch held and when this owner stops acting, on the monotonic clock; none when not held. */
  private long epoch;
  private long actUntilNanos;
  /** The latest take found the lease given up by its owner ({@link #release}), not run out. */
  private boolean tookReleased;
  /** What the owner that gave the lease up handed on with it: see {@link #releasedHoldUntil}. */
  private Instant releasedHoldUntil = Instant.EPOCH;

  /**
   * @param clock the wall clock, for the lease's end as the item stores it
   * @param nanoTime the monotonic clock ({@code System::nanoTime}), for when this owner stops acting
   */
  public Lease(DynamoDbAsyncClient dynamo, Context context, String table, String owner, Duration length,
      Duration margin, Clock clock, LongSupplier nanoTime) {
    if (margin.compareTo(length) >= 0) {
      throw new IllegalArgumentException("the margin must be shorter than the lease");
    }
    this.dynamo = dynamo;
    this.context = context;
    this.table = table;
    this.owner = owner;
    this.length = length;
    this.margin = margin;
    this.clock = clock;
    this.nanoTime = nanoTime;
  }

  /** The epoch this instance may act under now, if it holds the lease. */
  public Optional<Long> held() {
    return epoch > 0 && nanoTime.getAsLong() - actUntilNanos < 0 ? Optional.of(epoch) : Optional.empty();
  }

  /**
   * Takes the lease if no one holds it (it never existed, or it ended), with the next epoch; renews
   * it if this instance holds it. Completes with the epoch held, or empty when another holds it.
   */
  public Future<Optional<Long>> takeOrRenew() {
    long now = clock.millis();
    long started = nanoTime.getAsLong();
    if (held().isPresent()) {
      return write("SET #ends = :ends", "#owner = :me AND #epoch = :epoch",
          Map.of(":me", s(owner), ":epoch", n(epoch), ":ends", n(now + length.toMillis())), started,
          ReturnValue.ALL_NEW);
    }
    // Read first: a take refused because the lease runs is billed as a write, by every instance that
    // is not the owner, at every renewal period; a read costs a tenth of it.
    return Future.fromCompletionStage(dynamo.getItem(g -> g.tableName(table).key(FoldItems.key(SORT))
        .consistentRead(true)), context).compose(read -> {
          Map<String, AttributeValue> item = read.hasItem() ? read.item() : Map.of();
          boolean running = item.containsKey(OWNER) && FoldItems.number(item, ENDS) >= now
              && !owner.equals(item.get(OWNER).s());
          if (running) {
            epoch = 0;
            return Future.succeededFuture(Optional.<Long>empty());
          }
          return write("SET #owner = :me, #epoch = if_not_exists(#epoch, :zero) + :one, #ends = :ends",
              "attribute_not_exists(#owner) OR #ends < :now OR #owner = :me", Map.of(
                  ":me", s(owner), ":zero", n(0), ":one", n(1), ":ends", n(now + length.toMillis()), ":now", n(now)),
              started, ReturnValue.ALL_OLD);
        });
  }

  /**
   * Whether the epoch held was taken from an owner that gave the lease up ({@link #release}, after
   * publishing and releasing everything it held), rather than from one whose lease ran out.
   */
  public boolean tookReleased() {
    return tookReleased;
  }

  /**
   * With a released lease taken ({@link #tookReleased}): the instant its owner handed on, before
   * which pointers held by an owner before it may still come back (that owner crashed, and its
   * pointers are invisible until their timeout); the epoch when there is none.
   */
  public Instant releasedHoldUntil() {
    return releasedHoldUntil;
  }

  /**
   * Ends the lease now, so that another instance takes it at once (a drain); no-op when not held.
   * {@code holdUntil}: until when pointers of an owner before this one may still come back, handed
   * on to the next owner ({@link #releasedHoldUntil}).
   */
  public Future<Void> release(Instant holdUntil) {
    if (epoch == 0) {
      return Future.succeededFuture();
    }
    long released = epoch;
    epoch = 0;
    return Future.fromCompletionStage(dynamo.updateItem(u -> u.tableName(table).key(FoldItems.key(SORT))
            .updateExpression("SET #ends = :zero, #hold = :hold")
            .conditionExpression("#owner = :me AND #epoch = :epoch")
            .expressionAttributeNames(Map.of("#owner", OWNER, "#epoch", EPOCH, "#ends", ENDS, "#hold", HOLD))
            .expressionAttributeValues(Map.of(":zero", n(0), ":me", s(owner), ":epoch", n(released),
                ":hold", n(holdUntil.toEpochMilli())))), context)
        .map(Optional::of)
        .recover(FoldItems::emptyIfRefused)
        .mapEmpty();
  }

  /**
   * One conditional write. Refused: another holds the lease, and this instance holds nothing. A
   * failure of another kind leaves what this instance holds as it was: it stops acting when its
   * lease runs out unrenewed. {@code started}: when the write was sent, on the monotonic clock.
   */
  private Future<Optional<Long>> write(String update, String condition, Map<String, AttributeValue> values,
      long started, ReturnValue returned) {
    return Future.fromCompletionStage(dynamo.updateItem(u -> u.tableName(table).key(FoldItems.key(SORT))
            .updateExpression(update).conditionExpression(condition)
            .expressionAttributeNames(Map.of("#owner", OWNER, "#epoch", EPOCH, "#ends", ENDS))
            .expressionAttributeValues(values).returnValues(returned)), context)
        .map(written -> {
          Map<String, AttributeValue> item = written.hasAttributes() ? written.attributes() : Map.of();
          if (returned == ReturnValue.ALL_OLD) {
            // A take: the epoch after the one found, and how the one found ended.
            epoch = FoldItems.number(item, EPOCH) + 1;
            tookReleased = item.containsKey(ENDS) && FoldItems.number(item, ENDS) == 0;
            releasedHoldUntil = tookReleased && item.containsKey(HOLD)
                ? Instant.ofEpochMilli(FoldItems.number(item, HOLD)) : Instant.EPOCH;
          } else {
            epoch = FoldItems.number(item, EPOCH);
          }
          actUntilNanos = started + length.minus(margin).toNanos();
          return Optional.of(epoch);
        })
        .recover(failure -> FoldItems.<Long>emptyIfRefused(failure).onSuccess(refused -> epoch = 0));
  }

  private static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  private static AttributeValue n(long value) {
    return FoldItems.n(value);
  }
}
