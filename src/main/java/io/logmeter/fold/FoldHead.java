package io.logmeter.fold;

import io.logmeter.ledger.CounterKeys;
import io.logmeter.retry.AwsErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * What the fold has published: the number of its newest period, the epoch that published it, and
 * the instant before which every received message is counted. One item of the usage table
 * ({@code pk} {@value Lease#PARTITION}, {@code sk} {@value #SORT}); a period's object exists for
 * readers only once the head names it.
 *
 * <p>The fencing: an owner first {@link #claim claims} the head with its epoch, which no earlier
 * epoch can then {@link #advance}; an advance names the period before it, so no period is
 * published twice or skipped. Confined to the caller's context.
 */
public final class FoldHead {

  static final String SORT = "head";
  private static final String PERIOD = "period";
  private static final String EPOCH = "epoch";
  private static final String THROUGH = "countedThroughMillis";

  /** The head as read or written: period 0 and no instant before anything was published. */
  public record State(long period, long epoch, Instant countedThrough) {
    static final State NONE = new State(0, 0, Instant.EPOCH);
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
    return Future.fromCompletionStage(dynamo.getItem(g -> g.tableName(table).key(key()).consistentRead(true)),
        context).map(got -> got.hasItem() && !got.item().isEmpty() ? state(got.item()) : State.NONE);
  }

  /**
   * Marks the head with {@code epoch}, so that no earlier epoch advances it any more. Completes with
   * the head as it then is, or empty when a later epoch has claimed it already.
   */
  public Future<Optional<State>> claim(long epoch) {
    return write(u -> u.updateExpression("SET #epoch = :epoch")
        .conditionExpression("attribute_not_exists(#epoch) OR #epoch <= :epoch")
        .expressionAttributeNames(Map.of("#epoch", EPOCH))
        .expressionAttributeValues(Map.of(":epoch", n(epoch))));
  }

  /**
   * Publishes {@code period}, the one after {@code previous}, under {@code epoch}. Completes with
   * the new head, or empty when the head is not at {@code previous} under this epoch any more
   * (a later owner claimed it): the caller has lost the fold and must stop.
   */
  public Future<Optional<State>> advance(long epoch, long previous, long period, Instant countedThrough) {
    if (period != previous + 1) {
      throw new IllegalArgumentException("period " + period + " does not follow " + previous);
    }
    String atPrevious = previous == 0 ? "attribute_not_exists(#period)" : "#period = :previous";
    Map<String, AttributeValue> values = new java.util.HashMap<>(Map.of(":epoch", n(epoch), ":period", n(period),
        ":through", n(countedThrough.toEpochMilli())));
    if (previous > 0) {
      values.put(":previous", n(previous));
    }
    return write(u -> u.updateExpression("SET #period = :period, #through = :through")
        .conditionExpression("#epoch = :epoch AND " + atPrevious)
        .expressionAttributeNames(Map.of("#epoch", EPOCH, "#period", PERIOD, "#through", THROUGH))
        .expressionAttributeValues(values));
  }

  private Future<Optional<State>> write(
      java.util.function.Consumer<software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest.Builder> request) {
    return Future.fromCompletionStage(dynamo.updateItem(u -> {
      u.tableName(table).key(key()).returnValues(ReturnValue.ALL_NEW);
      request.accept(u);
    }), context)
        .map(written -> Optional.of(state(written.attributes())))
        .recover(failure -> AwsErrors.unwrap(failure) instanceof ConditionalCheckFailedException
            ? Future.succeededFuture(Optional.empty()) : Future.failedFuture(failure));
  }

  private static State state(Map<String, AttributeValue> item) {
    return new State(number(item, PERIOD), number(item, EPOCH), Instant.ofEpochMilli(number(item, THROUGH)));
  }

  private static long number(Map<String, AttributeValue> item, String name) {
    AttributeValue value = item.get(name);
    return value == null ? 0 : Long.parseLong(value.n());
  }

  private static Map<String, AttributeValue> key() {
    return Map.of(CounterKeys.PARTITION, AttributeValue.fromS(Lease.PARTITION),
        CounterKeys.SORT, AttributeValue.fromS(SORT));
  }

  private static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }
}
