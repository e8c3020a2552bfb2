package io.logmeter.fold;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * What the fold has published: its newest period, the epoch that published it, and the instant
 * before which every received message is counted. One item of the usage table ({@code pk}
 * {@value FoldItems#PARTITION}, {@code sk} {@value #SORT}); a period's object
 * ({@link FoldPeriod#key}, under the epoch that published it) exists for readers only once the head
 * names it.
 *
 * <p>The fencing: an owner first {@link #claim claims} the head with its epoch, which no earlier
 * epoch can then {@link #advance}; an advance names the period before it, so no period is
 * published twice or skipped; and a period's object is read under the epoch the head says
 * published it, so an overtaken owner's late object, under its own epoch, is never read.
 * Confined to the caller's context.
 */
public final class FoldHead {

  static final String SORT = "head";
  private static final String PERIOD = "period";
  private static final String EPOCH = "epoch";
  private static final String PUBLISHED_BY = "publishedBy";
  private static final String THROUGH = "countedThroughMillis";
  private static final String COMPACTED_BEFORE = "compactedBeforeMillis";

  /**
   * The head as read or written: the newest period, the epoch that claimed the head last, the epoch
   * that published the newest period, and through when it counts. All zero before anything.
   */
  public record State(long period, long epoch, long publishedBy, Instant countedThrough, Instant compactedBefore) {
    static final State NONE = new State(0, 0, 0, Instant.EPOCH, Instant.EPOCH);
  }

  private final DynamoDbAsyncClient dynamo;
  private final Context context;
  private final String table;

  public FoldHead(DynamoDbAsyncClient dynamo, Context context, String table) {
    this.dynamo = dynamo;
    this.context = context;
    this.table = table;
  }

  /** The head, strongly consistent. */
  public Future<State> read() {
    return Future.fromCompletionStage(dynamo.getItem(g -> g.tableName(table).key(FoldItems.key(SORT))
        .consistentRead(true)), context).map(got -> got.hasItem() && !got.item().isEmpty() ? state(got.item()) : State.NONE);
  }

  /**
   * Sets the first hour the fold counts, before it ever published: records of earlier hours are
   * late, checked against the pages the ledger before it wrote (a cutover from the pages ledger sets
   * the hour after the switch). Completes with the head, or empty once a period is published.
   */
  public Future<Optional<State>> start(Instant firstHour) {
    return write(u -> u.updateExpression("SET #compacted = :compacted")
        .conditionExpression("attribute_not_exists(#period)")
        .expressionAttributeNames(Map.of("#compacted", COMPACTED_BEFORE, "#period", PERIOD))
        .expressionAttributeValues(Map.of(":compacted", FoldItems.n(firstHour.truncatedTo(
            java.time.temporal.ChronoUnit.HOURS).toEpochMilli()))));
  }

  /**
   * Marks the head with {@code epoch}, so that no earlier epoch advances it any more. Completes with
   * the head as it then is, or empty when a later epoch has claimed it already.
   */
  public Future<Optional<State>> claim(long epoch) {
    return write(u -> u.updateExpression("SET #epoch = :epoch")
        .conditionExpression("attribute_not_exists(#epoch) OR #epoch <= :epoch")
        .expressionAttributeNames(Map.of("#epoch", EPOCH))
        .expressionAttributeValues(Map.of(":epoch", FoldItems.n(epoch))));
  }

  /**
   * Publishes {@code period}, the one after {@code previous}, under {@code epoch}, counting through
   * {@code countedThrough} (never earlier than the head's), every hour before {@code compactedBefore}
   * in its pages. Completes with the new head, or empty
   * when the head is not at {@code previous} under this epoch any more (a later owner claimed it):
   * the caller has lost the fold and must stop.
   */
  public Future<Optional<State>> advance(long epoch, long previous, long period, Instant countedThrough,
      Instant compactedBefore) {
    if (period != previous + 1) {
      return Future.failedFuture(new IllegalArgumentException("period " + period + " does not follow " + previous));
    }
    Map<String, AttributeValue> values = new HashMap<>(Map.of(":epoch", FoldItems.n(epoch),
        ":period", FoldItems.n(period), ":through", FoldItems.n(countedThrough.toEpochMilli()),
        ":compacted", FoldItems.n(compactedBefore.toEpochMilli())));
    String atPrevious = "attribute_not_exists(#period)";
    if (previous > 0) {
      atPrevious = "#period = :previous";
      values.put(":previous", FoldItems.n(previous));
    }
    String condition = "#epoch = :epoch AND " + atPrevious
        + " AND (attribute_not_exists(#through) OR #through <= :through)";
    return write(u -> u.updateExpression("SET #period = :period, #by = :epoch, #through = :through, #compacted = :compacted")
        .conditionExpression(condition)
        .expressionAttributeNames(Map.of("#epoch", EPOCH, "#period", PERIOD, "#by", PUBLISHED_BY, "#through", THROUGH,
            "#compacted", COMPACTED_BEFORE))
        .expressionAttributeValues(values));
  }

  private Future<Optional<State>> write(Consumer<UpdateItemRequest.Builder> request) {
    return Future.fromCompletionStage(dynamo.updateItem(u -> {
      u.tableName(table).key(FoldItems.key(SORT)).returnValues(ReturnValue.ALL_NEW);
      request.accept(u);
    }), context)
        .map(written -> Optional.of(state(written.attributes())))
        .recover(FoldItems::emptyIfRefused);
  }

  private static State state(Map<String, AttributeValue> item) {
    return new State(FoldItems.number(item, PERIOD), FoldItems.number(item, EPOCH),
        FoldItems.number(item, PUBLISHED_BY), Instant.ofEpochMilli(FoldItems.number(item, THROUGH)),
        Instant.ofEpochMilli(FoldItems.number(item, COMPACTED_BEFORE)));
  }
}
